import { experimentOfTyped } from '../../core/naming/experiment-names';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadExperiment } from '../../core/config/load-experiment';
import { buildResolvedConfig } from '../../core/config/resolved-config';
import { writeJsonAtomic } from '../../core/fs/atomic-write';
import { resolvePython, trainerEnv } from '../../core/pipeline/python';
import { runPaths } from '../../core/pipeline/run-paths';
import { runProcess } from '../../core/process/run-process';
import { CliIO, UserError } from '../io';

const USAGE = `usage: autoexp preview <experiment> [--rows N] [--workspace <dir>]

Shows N train rows (default 3) exactly as the model gets them: the encoder
input (or prompt) and the labels, decoded with special tokens visible, with
token counts, and how many rows of the whole train set the configured
max_source_length / max_target_length truncate. Loads the tokenizer, never
the weights; trains nothing. (python -m autoexp_trainer preview --config <json>)`;

export default async function previewCommand(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { rows: { type: 'string', default: '3' }, workspace: { type: 'string' }, help: { type: 'boolean', short: 'h', default: false } },
  });
  if (values.help) {
    io.stdout(USAGE);
    return 0;
  }
  if (positionals.length !== 1) throw new UserError(`give one experiment name (the folder under experiments/).\n${USAGE}`, 2);
  if (!/^[1-9]\d*$/.test(values.rows ?? '')) throw new UserError(`--rows must be a positive integer, got '${values.rows}'`, 2);
  const root = resolve(io.cwd, values.workspace ?? '.');
  const name = experimentOfTyped(positionals[0]);
  const exp = loadExperiment(root, name);
  // The same resolved JSON train would write, in its own place (a preview never touches a run).
  const configPath = join(root, runPaths(name).base, 'preview', 'resolved-config.json');
  writeJsonAtomic(configPath, buildResolvedConfig(root, exp, 'preview'));
  let python: string;
  try {
    python = resolvePython(root);
  } catch (err) {
    throw new UserError((err as Error).message, 1);
  }
  const res = await runProcess(python, ['-m', 'autoexp_trainer', 'preview', '--config', configPath, '--rows', values.rows as string], {
    cwd: root,
    env: trainerEnv(process.env),
    onStdoutLine: (line) => io.stdout(line),
    onStderrLine: (line) => io.stderr(line),
    tailLines: 5,
  });
  return res.exitCode ?? 1;
}
