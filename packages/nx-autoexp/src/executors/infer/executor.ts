import type { ExecutorContext } from '@nx/devkit';
import { inferStep } from '../../core/pipeline/infer-step';
import { runStep } from '../run-step';
import type { InferExecutorSchema } from './schema';

export default async function inferExecutor(options: InferExecutorSchema, context: ExecutorContext) {
  return runStep(context, 'infer', options, (ctx) => inferStep(ctx, { strategy: options.strategy }));
}
