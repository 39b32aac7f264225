import { experimentOfTyped } from '../../core/naming/experiment-names';
import { workspaceTargetNames } from '../../core/naming/workspace-target-names';
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { formatPlan, formatSweepPlan, planExperiment, planSweep } from '../../core/plan';
import { CliIO, UserError } from '../io';

const USAGE = `usage: autoexp plan <experiment> [--smoke] [--json] [--workspace <dir>]

Prints the resolved config (with the file and line each value came from), the
commands each target would run, and which targets would be cache hits and why.
For a sweep (an experiment.yaml with sweep:), lists its variants and their
values; \`autoexp plan <name>--<variant>\` plans one. Runs nothing.`;

export default async function planCommand(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { json: { type: 'boolean', default: false }, smoke: { type: 'boolean', default: false }, workspace: { type: 'string' }, help: { type: 'boolean', short: 'h', default: false } },
  });
  if (values.help) {
    io.stdout(USAGE);
    return 0;
  }
  if (positionals.length !== 1) throw new UserError(`give one experiment name (the folder under experiments/).\n${USAGE}`, 2);
  const name = experimentOfTyped(positionals[0]);
  const root = resolve(io.cwd, values.workspace ?? '.');
  const sweep = planSweep(root, name);
  if (sweep) {
    io.stdout(values.json ? JSON.stringify(sweep, null, 2) : formatSweepPlan(sweep, workspaceTargetNames(root)));
    return 0;
  }
  const plan = planExperiment(root, name, { smoke: values.smoke });
  io.stdout(values.json ? JSON.stringify(plan, null, 2) : formatPlan(plan));
  return 0;
}
