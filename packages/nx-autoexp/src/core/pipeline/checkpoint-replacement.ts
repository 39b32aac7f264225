import { isAbsolute, join, resolve, sep } from 'node:path';
import { buildManifest, findCheckpoint } from '../checkpoints';
import type { CheckpointManifest } from '../checkpoints';
import type { ResolvedExperiment } from '../config/types';
import { isUserCheckpointFolder } from '../checkpoints/user-folder';

/**
 * When the checkpoint a train manifest names is gone: the checkpoint of a
 * later completed run of the same train config, chosen by the same policy,
 * or null. That run is what the retrain hint (`nx run exp-x:train
 * --skip-nx-cache`) leaves behind. Nx stores nothing under --skip-nx-cache, so
 * the next run's train is a cache hit that restores the old manifest (nrwl/nx
 * issue 20176); without this, infer would send the user round the same hint
 * again. A `path` checkpoint is the user's folder: nothing replaces it.
 */
export function replacementCheckpoint(root: string, exp: ResolvedExperiment, gone: CheckpointManifest, smoke: boolean): CheckpointManifest | null {
  if (isUserCheckpointFolder(exp.config) || gone.policy === 'path' || !gone.config_hash) return null;
  const c = exp.config.checkpoint;
  const base = isAbsolute(exp.outputDir) ? exp.outputDir : resolve(root, exp.outputDir);
  const outputDir = smoke ? join(base, 'smoke') : base;
  const smokeDir = join(base, 'smoke') + sep;
  // Chosen by run records (newest completed run with this config hash), as train chooses.
  const result = findCheckpoint({ root: outputDir, policy: c.policy, metric: c.metric, mode: c.mode, configHash: gone.config_hash, experiment: exp.name });
  const run = result.run;
  if (!result.selected?.valid || !run) return null;
  // The newest such run may be the manifest's own (another checkpoint of it is not a retrain),
  // or, for a full run, a smoke run (same config hash, under <output_dir>/smoke).
  if (run.run_id === gone.run_id || (!smoke && (run.runDir + sep).startsWith(smokeDir))) return null;
  return buildManifest(result, { workspaceRoot: root, experiment: exp.name, policy: c.policy, runId: run.run_id ?? undefined, configHash: gone.config_hash });
}
