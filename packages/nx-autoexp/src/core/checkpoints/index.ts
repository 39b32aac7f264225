/**
 * CheckpointFinder: find, choose and validate checkpoints; fingerprint; manifest.
 * All functions are synchronous (they stat, list and read small files only).
 *
 * - findCheckpoint(opts): walks `root` (4 levels) for checkpoint-<N>/ folders and
 *   final-model folders (weights or adapter_config.json; base_model/ skipped).
 *   Runs are told apart by autoexp_run.json: runId, else the newest completed
 *   run (by started_at) with configHash, else with experiment, else of all;
 *   with no run records every checkpoint under root counts.
 *   Policies: best = trainer_state best_model_checkpoint of the newest valid
 *   state (matched by folder name), else best `metric` (default eval_score;
 *   mode default min for *loss, else max) in log_history among valid
 *   checkpoints, else latest with `fallback` set; latest = highest step;
 *   path = `opts.path` (relative to root), validated.
 *   File-system problems never throw: they become invalid candidates or `note`.
 * - validateCheckpoint(dir), fingerprintCheckpoint(dir)
 * - buildManifest / writeManifest / readManifest / verifyManifest
 * - formatNoCheckpointError(result, root), formatCandidateTable
 */
export * from './types';
export { findCheckpoint, listCheckpoints, DEFAULT_METRIC } from './find-checkpoint';
export { validateCheckpoint } from './validate-checkpoint';
export { fingerprintCheckpoint } from './fingerprint';
export { buildManifest, writeManifest, readManifest, verifyManifest, ManifestError } from './manifest';
export type { ManifestOptions, VerifyResult } from './manifest';
export { formatNoCheckpointError, formatCandidateTable } from './format';
export { readSafetensorsHeader } from './safetensors-header';
