import { join } from 'node:path';
import { runsFolderOf } from '../naming/experiment-names';

/** Where each target keeps its small, cached outputs (relative to the workspace root). */
export function runPaths(experiment: string, smoke = false) {
  // Smoke runs keep their own outputs (and so their own Nx cache entries).
  const base = runsFolderOf(experiment, smoke);
  return {
    base,
    trainDir: join(base, 'train'),
    manifest: join(base, 'train', 'checkpoint.json'),
    resolvedConfig: join(base, 'train', 'resolved-config.json'),
    inferDir: join(base, 'infer'),
    predictionsDir: join(base, 'infer', 'predictions'),
    devPredictions: join(base, 'infer', 'predictions', 'dev.csv'),
    testPredictions: join(base, 'infer', 'predictions', 'test.csv'),
    devScore: join(base, 'infer', 'dev-score.json'),
    inferRecord: join(base, 'infer', 'infer-record.json'),
    // The manifest of the checkpoint infer used: train's, or a later run's when that one is gone (checkpoint-replacement.ts).
    inferManifest: join(base, 'infer', 'checkpoint.json'),
    submitDir: join(base, 'submit'),
    receipt: join(base, 'submit', 'receipt.json'),
    devSlice: join(base, 'infer', 'dev-slice.csv'),
  };
}
