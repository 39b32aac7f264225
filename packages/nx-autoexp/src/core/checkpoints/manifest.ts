import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { stageAll } from '../fs/atomic-write';
import { fingerprintCheckpoint } from './fingerprint';
import { CheckpointManifest, FinderResult, Policy } from './types';
import { validateCheckpoint } from './validate-checkpoint';
import { AutoexpError } from '../errors/autoexp-error';
import { readJsonFile } from '../fs/read-json';
import { relativePosix } from '../fs/relative-posix';

/**
 * The train target's cached output (docs/architecture.md "Checkpoint
 * manifest"): which checkpoint, why, and a fingerprint so infer can refuse a
 * checkpoint that is gone or changed after an Nx cache hit.
 */

export class ManifestError extends AutoexpError {
  constructor(message: string) {
    super(message);
  }
}

export interface ManifestOptions {
  workspaceRoot: string;
  experiment: string;
  policy: Policy;
  runId?: string;
  configHash?: string;
}

export function buildManifest(result: FinderResult, opts: ManifestOptions): CheckpointManifest {
  const sel = result.selected;
  if (!sel || !sel.valid || !sel.kind) throw new ManifestError('no valid checkpoint was selected, so there is nothing to record in a manifest');
  const rel = relativePosix(resolve(opts.workspaceRoot), sel.path);
  return {
    version: 1,
    experiment: opts.experiment,
    path: rel === '' ? '.' : rel,
    step: sel.step,
    kind: sel.kind,
    policy: opts.policy,
    reason: sel.reason,
    metric: sel.metric !== null ? { name: result.metricName, value: sel.metric } : null,
    fingerprint: fingerprintCheckpoint(sel.path),
    run_id: opts.runId ?? result.run?.run_id ?? null,
    config_hash: opts.configHash ?? result.run?.config_hash ?? null,
  };
}

/**
 * The pointer beside a manifest: one line, the manifest's checkpoint folder,
 * for readers that do not parse JSON (the infer target's Nx runtime input
 * under `checkpoint.policy: path`, bin/hash-input.sh, run on every hash).
 */
export const manifestPointerPath = (manifestPath: string): string => join(dirname(manifestPath), 'checkpoint.path');

/** The manifest and its pointer, both staged before either is renamed into place, so they never disagree. */
export function writeManifest(path: string, manifest: CheckpointManifest): void {
  const staged = stageAll([
    { path: manifestPointerPath(path), data: `${manifest.path}\n` },
    { path, data: JSON.stringify(manifest, null, 2) + '\n' },
  ]);
  for (const f of staged) f.commit();
}

const POLICIES = new Set(['best', 'latest', 'path']);

export function readManifest(path: string): CheckpointManifest {
  const read = readJsonFile(path);
  if (!read.ok) throw new ManifestError(`checkpoint manifest ${path} ${read.problem}; run the train target again to rewrite it`);
  const m = read.value as Partial<CheckpointManifest> | null;
  const bad = (what: string) => new ManifestError(`checkpoint manifest ${path}: ${what}; run the train target again to rewrite it`);
  if (!m || typeof m !== 'object' || Array.isArray(m)) throw bad('not a JSON object');
  if (m.version !== 1) throw bad(`unsupported version ${JSON.stringify(m.version)} (expected 1)`);
  if (typeof m.path !== 'string' || !m.path) throw bad('"path" is missing');
  if (typeof m.fingerprint !== 'string' || !m.fingerprint.startsWith('sha256:')) throw bad('"fingerprint" is missing or not "sha256:..."');
  if (m.kind !== 'full' && m.kind !== 'adapter') throw bad(`"kind" must be "full" or "adapter", got ${JSON.stringify(m.kind)}`);
  if (typeof m.policy !== 'string' || !POLICIES.has(m.policy)) throw bad(`"policy" must be best, latest or path, got ${JSON.stringify(m.policy)}`);
  if (m.step !== null && typeof m.step !== 'number') throw bad('"step" must be a number or null');
  return m as CheckpointManifest;
}

export type VerifyResult = { ok: true } | { ok: false; problem: 'missing' | 'changed' | 'invalid'; message: string };

/** Is the checkpoint the manifest names still there, complete, and unchanged since train? */
export function verifyManifest(manifest: CheckpointManifest, workspaceRoot: string): VerifyResult {
  const abs = isAbsolute(manifest.path) ? manifest.path : resolve(workspaceRoot, manifest.path);
  const what = `checkpoint ${manifest.path}${manifest.step !== null ? ` (step ${manifest.step})` : ''}`;
  if (!existsSync(abs)) return { ok: false, problem: 'missing', message: `${what} no longer exists (deleted or moved since train)` };
  const v = validateCheckpoint(abs);
  if (!v.valid) {
    return { ok: false, problem: 'invalid', message: `${what} is no longer a valid checkpoint: ${v.reason}` };
  }
  const now = fingerprintCheckpoint(abs);
  if (now !== manifest.fingerprint) {
    return { ok: false, problem: 'changed', message: `the weight files of ${what} changed since train (fingerprint ${manifest.fingerprint.slice(0, 19)}… now ${now.slice(0, 19)}…)` };
  }
  return { ok: true };
}
