import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { RUN_RECORD } from '../checkpoints/run-records';
import { TrackerRun, parseTrackers } from '../submission/trackers';

function readRecord(path: string): Record<string, unknown> | null {
  try {
    const v = JSON.parse(readFileSync(path, 'utf8'));
    return v && typeof v === 'object' && !Array.isArray(v) ? v : null;
  } catch {
    return null; // absent or unreadable: look further up
  }
}

/**
 * The tracker runs of the training run that wrote the manifest's checkpoint. Its run record sits
 * in the checkpoint folder or a parent (run_dir/checkpoint-N, run_dir/best_model, nested layouts);
 * with a run_id in the manifest, only that run's record counts. The walk stops at the workspace
 * root, so a record above the workspace is never taken for this run.
 */
export function checkpointTrackers(workspaceRoot: string, manifest: unknown): TrackerRun[] {
  const m = (manifest && typeof manifest === 'object' ? manifest : {}) as { path?: unknown; run_id?: unknown };
  if (typeof m.path !== 'string' || m.path === '') return [];
  const root = resolve(workspaceRoot);
  let dir = isAbsolute(m.path) ? m.path : resolve(root, m.path);
  const rel = relative(root, dir);
  const inside = !rel.startsWith('..') && !isAbsolute(rel);
  const runId = typeof m.run_id === 'string' && m.run_id ? m.run_id : null;
  for (;;) {
    const record = readRecord(join(dir, RUN_RECORD));
    if (record && (!runId || record.run_id === runId)) return parseTrackers(record.trackers);
    const up = dirname(dir);
    if ((inside && dir === root) || up === dir) return [];
    dir = up;
  }
}
