import type { ExecutorContext } from '@nx/devkit';
import { runPipelineStep } from '../core/pipeline/run-pipeline-step';
import type { StepContext } from '../core/pipeline/train-step';
import type { FailureRecord } from '../core/pipeline/failure-record';
import { TargetNameOptions, targetNamesOf } from '../core/naming/experiment-names';

export interface StepOptions extends TargetNameOptions {
  experiment: string;
  smoke?: boolean;
  fresh?: boolean;
}

/** Shared executor body: the same task wrapper `autoexp step` uses, with Nx's context. */
export async function runStep(context: ExecutorContext, target: FailureRecord['target'], options: StepOptions, step: (ctx: StepContext) => Promise<unknown>): Promise<{ success: boolean }> {
  return { success: await runPipelineStep({ workspaceRoot: context.root, target, experiment: options.experiment, smoke: options.smoke, fresh: options.fresh, targets: targetNamesOf(options) }, step) };
}
