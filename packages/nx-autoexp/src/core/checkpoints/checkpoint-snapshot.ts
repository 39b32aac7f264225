import { readdirSync, statSync } from 'node:fs';
import { discover } from './discover';

/**
 * What the checkpoint folders under an output folder looked like before a
 * run started: folder path -> signature (entry names, sizes, mtimes). A user's
 * trainer leaves no run record, so "written by this run" is told from this:
 * a folder counts only if it is new or its files changed since the snapshot
 * (older runs, the other mode's run and copies never qualify; no clocks compared).
 */
export type CheckpointSnapshot = Map<string, string>;

function signature(dir: string): string {
  try {
    return readdirSync(dir)
      .sort()
      .map((name) => {
        try {
          const st = statSync(`${dir}/${name}`);
          return `${name}:${st.size}:${st.mtimeMs}`;
        } catch {
          return `${name}:?`;
        }
      })
      .join('\n');
  } catch (err) {
    return `unreadable:${(err as NodeJS.ErrnoException).code ?? err}`;
  }
}

export function snapshotCheckpoints(root: string, maxDepth = 4): CheckpointSnapshot {
  const snap: CheckpointSnapshot = new Map();
  try {
    for (const f of discover(root, { maxDepth }).folders) snap.set(f.path, signature(f.path));
  } catch {
    /* no output folder yet: every checkpoint found later is new */
  }
  return snap;
}

/** True when `dir` did not exist at the snapshot or its files changed since. */
export function writtenSince(snap: CheckpointSnapshot, dir: string): boolean {
  const before = snap.get(dir);
  return before === undefined || before !== signature(dir);
}
