import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { applyGc, formatGcPlan, gb, planGc } from '../../core/checkpoints/gc';
import { CliIO, UserError } from '../io';

const HELP = `usage: autoexp gc [options]

Removes checkpoint folders that nothing needs. Needed: the checkpoint named by
any experiment's train manifest, by any submission in
prediction/experiment_index.csv, the resume point of an unfinished run with
the current train config, the best N by the experiment's checkpoint metric and
the newest N of each experiment. Only folders inside autoexp run folders of the
experiment are considered. Without --yes nothing is deleted: it prints what
would go and the space it frees.

options:
  --keep-best N       keep the N best checkpoints per experiment (default 1)
  --keep-last N       keep the N newest checkpoints per experiment (default 1)
  --older-than DAYS   only remove folders last changed more than DAYS days ago
  --experiment NAME   only this experiment
  --yes               delete (each folder is renamed out of the way, then deleted)
  --json              print the plan as JSON
  --root DIR          workspace root (default: the current folder)

exit: 0 done, 1 a folder could not be removed, 2 bad usage.`;

function count(name: string, v: string | undefined, dflt: number): number {
  if (v === undefined) return dflt;
  if (!/^\d+(\.\d+)?$/.test(v)) throw new UserError(`--${name} must be a number >= 0, got '${v}'`, 2);
  return Number(v);
}

export default async function gc(argv: string[], io: CliIO): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    allowPositionals: false,
    options: {
      'keep-best': { type: 'string' },
      'keep-last': { type: 'string' },
      'older-than': { type: 'string' },
      experiment: { type: 'string' },
      yes: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      root: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    io.stdout(HELP);
    return 0;
  }
  const keepBest = count('keep-best', values['keep-best'], 1);
  const keepLast = count('keep-last', values['keep-last'], 1);
  if (!Number.isInteger(keepBest) || !Number.isInteger(keepLast)) throw new UserError('--keep-best and --keep-last take whole numbers', 2);
  const olderThanDays = values['older-than'] === undefined ? undefined : count('older-than', values['older-than'], 0);
  const root = resolve(io.cwd, values.root ?? '.');
  let plan;
  try {
    plan = planGc({ workspaceRoot: root, keepBest, keepLast, olderThanDays, experiment: values.experiment });
  } catch (err) {
    throw new UserError((err as Error).message, 2);
  }
  if (values.json) io.stdout(JSON.stringify(plan, null, 2));
  else io.stdout(formatGcPlan(plan, root));
  if (!values.yes) {
    if (!values.json) io.stdout('dry run: nothing was deleted; run again with --yes to delete the folders marked "go"');
    return 0;
  }
  const out = applyGc(plan);
  for (const f of out.failed) io.stderr(`could not remove ${f.path}: ${f.error}`);
  io.stdout(`removed ${out.removed.length} checkpoint folder(s), ${gb(out.bytes)} freed`);
  return out.failed.length ? 1 : 0;
}
