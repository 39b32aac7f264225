import { existsSync, statSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Candidate, FinderResult, findCheckpoint, formatCandidateTable, formatNoCheckpointError, MetricMode, Policy } from '../../core/checkpoints';
import { CliIO, UserError } from '../io';

const HELP = `usage: autoexp checkpoints <dir> [options]

Lists the checkpoint folders under <dir> (checkpoint-<step>/, final model
folders, PEFT adapters; up to 4 levels deep), why each is valid or not, and
the one a policy picks. When <dir> holds several runs (autoexp_run.json
records), the newest completed run is used unless one is named.

options:
  --policy best|latest|path   how to choose (default best; --path implies path)
  --path P                    the checkpoint folder for --policy path
  --metric NAME               log_history metric for best (default eval_score)
  --mode max|min              direction of the metric (default: min for *loss, else max)
  --run-id ID                 the run whose checkpoints to consider
  --config-hash H             newest completed run with this config hash
  --experiment NAME           newest completed run of this experiment
  --json                      print {"selected": {path, step, reason} | null, "candidates": [...]}
  --path-only                 print only the chosen folder's absolute path, for scripts
                              (validates in order of preference and stops at the first
                              valid folder, instead of validating every candidate)

exit: 0 a checkpoint was chosen, 1 none is valid, 2 bad usage.`;

function oneOf<T extends string>(name: string, value: string | undefined, allowed: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) throw new UserError(`--${name} must be one of ${allowed.join(', ')}, got '${value}'`, 2);
  return value as T;
}

/** Relative to where the user stands, unless that climbs out of it. */
function shown(cwd: string, p: string): string {
  const r = relative(cwd, p);
  return r === '' ? '.' : r.startsWith('..') ? p : r;
}

function toJson(result: FinderResult): string {
  const pick = (c: Candidate) => ({ path: c.path, step: c.step, valid: c.valid, reason: c.reason, metric: c.metric });
  const selected = result.selected ? { path: result.selected.path, step: result.selected.step, reason: result.selected.reason } : null;
  return JSON.stringify({ selected, candidates: result.candidates.map(pick) }, null, 2);
}

export default async function checkpoints(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      policy: { type: 'string' },
      path: { type: 'string' },
      metric: { type: 'string' },
      mode: { type: 'string' },
      'run-id': { type: 'string' },
      'config-hash': { type: 'string' },
      experiment: { type: 'string' },
      json: { type: 'boolean', default: false },
      'path-only': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    io.stdout(HELP);
    return 0;
  }
  if (positionals.length !== 1) throw new UserError(`expected one folder, got ${positionals.length === 0 ? 'none' : positionals.join(' ')}\n\n${HELP}`, 2);
  const root = resolve(io.cwd, positionals[0]);
  if (!existsSync(root)) throw new UserError(`folder ${positionals[0]} does not exist (resolved to ${root}); pass the training output folder`, 2);
  if (!statSync(root).isDirectory()) throw new UserError(`${positionals[0]} is not a folder; pass the training output folder`, 2);
  const policy: Policy = oneOf('policy', values.policy, ['best', 'latest', 'path'] as const) ?? (values.path ? 'path' : 'best');
  if (policy === 'path' && !values.path) throw new UserError('--policy path needs --path <checkpoint folder>', 2);
  if (policy !== 'path' && values.path) throw new UserError(`--path only goes with --policy path (got --policy ${policy})`, 2);
  const mode: MetricMode | undefined = oneOf('mode', values.mode, ['max', 'min'] as const);
  if (values.json && values['path-only']) throw new UserError('--json and --path-only print different things: pass one of them', 2);

  const result = findCheckpoint({
    root,
    policy,
    path: values.path ? resolve(io.cwd, values.path) : undefined,
    metric: values.metric,
    mode,
    runId: values['run-id'],
    configHash: values['config-hash'],
    experiment: values.experiment,
    validate: values['path-only'] ? 'needed' : 'all',
  });

  if (values['path-only']) {
    if (result.selected) io.stdout(result.selected.path);
    else io.stderr(formatNoCheckpointError(result, root));
    return result.selected ? 0 : 1;
  }

  if (values.json) {
    io.stdout(toJson(result));
    if (!result.selected) io.stderr(formatNoCheckpointError(result, root));
    return result.selected ? 0 : 1;
  }
  const lines: string[] = [];
  if (result.run) lines.push(`run: ${result.run.run_id ?? '?'} (experiment ${result.run.experiment ?? '?'}, ${result.run.status ?? 'no status'}) in ${shown(io.cwd, result.run.runDir)}`);
  if (result.candidates.length > 0) lines.push(formatCandidateTable(result.candidates, root, result.metricName));
  if (result.selected) {
    lines.push('', `selected: ${shown(io.cwd, result.selected.path)} (step ${result.selected.step ?? '-'})`, `  why: ${result.selected.reason}`);
    if (result.fallback) lines.push(`  fallback: ${result.fallback}`);
    io.stdout(lines.join('\n'));
    return 0;
  }
  if (lines.length > 0) io.stdout(lines.join('\n'));
  io.stderr(formatNoCheckpointError(result, root));
  return 1;
}
