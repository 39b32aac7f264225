import { isAbsolute, join, resolve } from 'node:path';
import { dataPath } from './data-paths';
import { RUN_CONTROL_KEYS } from './run-control-keys';
import type { ResolvedExperiment } from './types';
import { compactTimestamp } from '../time/compact-timestamp';


export const newRunId = (trainHash: string, now = new Date()): string => `${compactTimestamp(now)}-${trainHash.slice(0, 8)}`;

/**
 * The JSON the trainer reads (docs/architecture.md "Resolved config"): the merged config with every
 * schema default filled in (the schema is the only place defaults live), absolute paths, run id, hash.
 */
export function buildResolvedConfig(workspaceRoot: string, exp: ResolvedExperiment, runId: string): Record<string, unknown> {
  const c = exp.config;
  const outputDir = isAbsolute(exp.outputDir) ? exp.outputDir : resolve(workspaceRoot, exp.outputDir);
  return {
    experiment: exp.name,
    run_id: runId,
    config_hash: exp.hashes.train,
    data: {
      train: dataPath(workspaceRoot, c, 'train'),
      dev: dataPath(workspaceRoot, c, 'dev'),
      test: dataPath(workspaceRoot, c, 'test'),
      sample_submission: dataPath(workspaceRoot, c, 'sample_submission'),
      test_references: dataPath(workspaceRoot, c, 'test_references'),
    },
    model: c.model,
    preprocess: c.preprocess,
    train: { ...withoutKeys(c.train, ['command', 'gpus', ...RUN_CONTROL_KEYS]), output_dir: outputDir, run_dir: join(outputDir, runId) },
    checkpoint: c.checkpoint,
    metric: c.metric,
    infer: withoutKeys(c.infer, ['gpus']),
  };
}

function withoutKeys(o: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([k]) => !keys.includes(k)));
}
