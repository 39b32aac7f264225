import { isUserError } from '../errors/autoexp-error';
import { describeFsError } from '../fs/fs-error';
import { outliveClosedOutput } from '../process/outlive-closed-output';
import { TargetNames, projectOf } from '../naming/experiment-names';
import type { StepContext } from './train-step';
import { FailureRecord, clearStepFailure, recordStepFailure } from './failure-record';

const STOP_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** Errors a user can act on (the userError flag) print as plain text; anything else keeps its stack. */
export function describeError(err: unknown): string {
  if (isUserError(err)) return err.userMessage();
  const fsText = describeFsError(err); // EISDIR, ENOTDIR, ENOSPC ... on a path the user can move or clear
  if (fsText) return fsText;
  return err instanceof Error ? (err.stack ?? err.message) : String(err);
}

export interface PipelineStepRun {
  workspaceRoot: string;
  target: FailureRecord['target'];
  experiment: string;
  smoke?: boolean;
  /** train: a new run, never a resumed one. */
  fresh?: boolean;
  /** The plugin's target names, for the hints (default train/infer/submit). */
  targets?: TargetNames;
  /** Where lines go; the process's stdout/stderr by default. */
  out?: (text: string) => void;
  err?: (text: string) => void;
}

/**
 * One pipeline step as a task, shared by the `autoexp step` command (what the
 * inferred targets run) and the executors: a prefixed logger; Ctrl-C, SIGTERM
 * and SIGHUP stop the step's child processes, and the step waits for them (a
 * trainer saves first), even once nobody reads its output; a failure is printed
 * plainly and recorded for the leaderboard; a successful submit clears the
 * record. Never throws.
 */
export async function runPipelineStep(run: PipelineStepRun, step: (ctx: StepContext) => Promise<unknown>): Promise<boolean> {
  const { workspaceRoot, target, experiment } = run;
  const smoke = !!run.smoke;
  const out = run.out ?? ((t: string) => process.stdout.write(t));
  const errOut = run.err ?? ((t: string) => process.stderr.write(t));
  // Nx labels tasks by project: the log prefix says `[exp-demo]` like Nx's own lines.
  const project = projectOf(experiment);
  const prefix = `[${project}${smoke ? ' smoke' : ''}]`;
  const log = (line: string) => out(`${prefix} ${line}\n`);
  const controller = new AbortController();
  const onSignal = (sig: NodeJS.Signals) => {
    if (controller.signal.aborted) return;
    log(`received ${sig}: stopping child processes`);
    controller.abort();
  };
  // `on`, not `once`: Nx follows Ctrl-C with SIGTERM; a second signal must not kill us before the children are gone.
  // SIGHUP: the terminal closed under us; same as Ctrl-C.
  for (const sig of STOP_SIGNALS) process.on(sig, onSignal);
  // If nx goes away while the trainer saves, our stdout/stderr lead nowhere: that must not end the step.
  outliveClosedOutput();
  try {
    await step({ workspaceRoot, experiment, log, signal: controller.signal, smoke, fresh: run.fresh, targets: run.targets });
    if (target === 'submit') clearStepFailure(workspaceRoot, experiment, smoke);
    return true;
  } catch (err) {
    const message = describeError(err);
    errOut(`${prefix} ERROR: ${message.replace(/\n/g, `\n${prefix} `)}\n`);
    try {
      recordStepFailure(workspaceRoot, { experiment, target, reason: message.split('\n').slice(0, 3).join(' '), smoke });
    } catch {
      /* recording is best effort: the task has failed either way */
    }
    return false;
  } finally {
    for (const sig of STOP_SIGNALS) process.removeListener(sig, onSignal);
  }
}
