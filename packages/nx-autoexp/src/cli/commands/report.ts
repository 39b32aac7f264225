import { relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { reportInputStamp, writeReport } from '../../core/report';
import { CliIO, UserError } from '../io';

const USAGE = `usage: autoexp report [--out <file>] [--include-smoke] [--worst <n>] [--workspace <dir>]
       autoexp report --stamp [--include-smoke] [--workspace <dir>]

Writes one self-contained HTML page (default prediction/report.html; opens
from disk, no server, no network): the leaderboard, learning curves, dev score
per topic, the lowest-scoring dev items of each experiment, and config
differences between two experiments. Reads prediction/experiment_index.csv,
each submission's experiment_metadata.json, the checkpoints' trainer_state.json,
runs/<name>/infer/predictions/dev.csv and the dev data; per-item scores come
from \`python -m autoexp_trainer score --per-item\`.

--stamp prints a fingerprint of every file the report reads and writes
nothing (the Nx target's cache key: those folders are git-ignored, and Nx does
not hash ignored files).`;

export default async function reportCommand(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      out: { type: 'string' },
      'include-smoke': { type: 'boolean', default: false },
      worst: { type: 'string', default: '20' },
      workspace: { type: 'string' },
      stamp: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    io.stdout(USAGE);
    return 0;
  }
  if (positionals.length > 0) throw new UserError(`unexpected argument '${positionals[0]}'.\n${USAGE}`, 2);
  const worstCount = Number(values.worst);
  if (!Number.isInteger(worstCount) || worstCount < 1) throw new UserError(`--worst must be a whole number of items >= 1 (got '${values.worst}').`, 2);
  const root = resolve(io.cwd, values.workspace ?? '.');
  if (values.stamp) {
    io.stdout(await reportInputStamp({ workspaceRoot: root, includeSmoke: values['include-smoke'] }));
    return 0;
  }
  const { path, data, bytes } = await writeReport({
    workspaceRoot: root,
    out: values.out === undefined ? undefined : resolve(io.cwd, values.out),
    includeSmoke: values['include-smoke'],
    worstCount,
    log: (line) => io.stderr(`report: ${line}`),
  });
  for (const note of data.notes) io.stderr(`report: note: ${note}`);
  for (const e of data.experiments) for (const note of e.notes) io.stderr(`report: note: ${e.experiment}: ${note}`);
  const shown = relative(io.cwd, path) || path;
  io.stdout(`report: ${shown} (${data.experiments.length} experiment${data.experiments.length === 1 ? '' : 's'}, ${(bytes / 1024).toFixed(0)} KiB)`);
  return 0;
}
