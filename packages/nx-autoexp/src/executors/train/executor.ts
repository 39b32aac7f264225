import type { ExecutorContext } from '@nx/devkit';
import { trainStep } from '../../core/pipeline/train-step';
import { runStep } from '../run-step';
import type { TrainExecutorSchema } from './schema';

export default async function trainExecutor(options: TrainExecutorSchema, context: ExecutorContext) {
  return runStep(context, 'train', options, (ctx) => trainStep(ctx));
}
