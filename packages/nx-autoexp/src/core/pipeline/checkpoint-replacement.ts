import { isAbsolute, join, resolve, sep } from 'node:path';
import { buildManifest, findCheckpoint } from '../checkpoints';
import type { CheckpointManifest, RunInfo } from '../checkpoints';
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
  // Chosen by run records (newest completed run with this config hash), as train chooses;
  // for a full run, among the full runs only (smoke runs share the hash, under <output_dir>/smoke).
  const runFilter = smoke ? undefined : (r: RunInfo) => !(r.runDir + sep).startsWith(smokeDir);
  const result = findCheckpoint({ root: outputDir, policy: c.policy, metric: c.metric, mode: c.mode, configHash: gone.config_hash, experiment: exp.name, runFilter });
  const run = result.run;
  // The manifest's own run again: another checkpoint of it is not a retrain.
  if (!result.selected?.valid || !run || run.run_id === gone.run_id) return null;
  return buildManifest(result, { workspaceRoot: root, experiment: exp.name, policy: c.policy, runId: run.run_id ?? undefined, configHash: gone.config_hash });
}
