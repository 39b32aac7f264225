import type { ExperimentConfig } from '../config/types';

/**
 * `checkpoint.policy: path`: the checkpoint folder is the user's, who may
 * repoint a symlink or replace the weights while train stays a cache hit. So
 * infer's cache key lists that folder on disk (plugin/target-definitions.ts),
 * `plan` forecasts by it, and no later run stands in for it
 * (core/pipeline/checkpoint-replacement.ts).
 */
export const isUserCheckpointFolder = (c: ExperimentConfig): boolean => c.checkpoint.policy === 'path';
