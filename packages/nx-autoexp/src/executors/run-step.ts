import type { ExecutorContext } from '@nx/devkit';
import { ConfigError, ConfigErrors } from '../core/config/config-error';
import { PipelineError } from '../core/pipeline/pipeline-error';
import type { StepContext } from '../core/pipeline/train-step';
import { FailureRecord, clearStepFailure, recordStepFailure } from '../core/pipeline/failure-record';

/** Errors a user can act on print as plain text; anything else keeps its stack. */
export function describeError(err: unknown): string {
  if (err instanceof ConfigErrors) return `invalid config:\n${err.errors.map((e) => `  ${e.message.replace(/\n/g, '\n  ')}`).join('\n')}`;
  if (err instanceof ConfigError) return `invalid config:\n  ${err.message.replace(/\n/g, '\n  ')}`;
  if (err instanceof PipelineError) return err.message;
  if (err instanceof Error && (err.name.endsWith('Error') && err.name !== 'Error' && err.name !== 'TypeError' && err.name !== 'RangeError' && err.name !== 'ReferenceError')) return err.message;
  return err instanceof Error ? (err.stack ?? err.message) : String(err);
}

/**
 * Shared executor body: a prefixed logger, Ctrl-C / SIGTERM abort the step's
 * child processes, and errors become `{ success: false }` with a clear message.
 */
export interface StepOptions {
  experiment: string;
  smoke?: boolean;
}

export async function runStep(context: ExecutorContext, target: FailureRecord['target'], options: StepOptions, step: (ctx: StepContext) => Promise<unknown>): Promise<{ success: boolean }> {
  const experiment = options.experiment;
  const smoke = !!options.smoke;
  const prefix = `[exp-${experiment}${smoke ? ' smoke' : ''}]`;
  const log = (line: string) => process.stdout.write(`${prefix} ${line}\n`);
  const controller = new AbortController();
  const onSignal = (sig: NodeJS.Signals) => {
    if (controller.signal.aborted) return;
    log(`received ${sig}: stopping child processes`);
    controller.abort();
  };
  // `on`, not `once`: Nx follows Ctrl-C with SIGTERM; a second signal must not kill us before the children are gone.
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    await step({ workspaceRoot: context.root, experiment, log, signal: controller.signal, smoke });
    if (target === 'submit') clearStepFailure(context.root, `exp-${experiment}`, smoke);
    return { success: true };
  } catch (err) {
    const message = describeError(err);
    process.stderr.write(`${prefix} ERROR: ${message.replace(/\n/g, `\n${prefix} `)}\n`);
    try {
      recordStepFailure(context.root, { experiment: `exp-${experiment}`, target, reason: message.split('\n').slice(0, 3).join(' '), smoke });
    } catch {
      /* recording is best effort: the task has failed either way */
    }
    return { success: false };
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
}
