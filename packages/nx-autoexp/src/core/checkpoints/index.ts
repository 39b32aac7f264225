/** CheckpointFinder: find, choose and validate checkpoints; fingerprint; manifest. */
export * from './types';
export { findCheckpoint, listCheckpoints, DEFAULT_METRIC } from './find-checkpoint';
export { validateCheckpoint } from './validate-checkpoint';
export { fingerprintCheckpoint } from './fingerprint';
export { buildManifest, writeManifest, readManifest, verifyManifest, ManifestError } from './manifest';
export type { ManifestOptions, VerifyResult } from './manifest';
export { formatNoCheckpointError, formatCandidateTable, NoCheckpointError } from './format';
export { readSafetensorsHeader } from './safetensors-header';
