import type { ExecutorContext } from '@nx/devkit';
import { submitStep } from '../../core/pipeline/submit-step';
import { runStep } from '../run-step';
import type { SubmitExecutorSchema } from './schema';

export default async function submitExecutor(options: SubmitExecutorSchema, context: ExecutorContext) {
  return runStep(context, 'submit', options, (ctx) => submitStep(ctx, { latest: options.latest }));
}
