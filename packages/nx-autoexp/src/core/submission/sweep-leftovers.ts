import { readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

// Hidden names only we create: atomic-write temps, staging folders, claimed stale locks.
const LEFTOVER = /^\.(.+\.\d+\.[0-9a-f]+\.tmp|staging-.+)$|\.lock\.stale-\d+-[0-9a-f]+$/;

/**
 * Removes what killed submits left behind (temp files, staging folders)
 * once they are clearly abandoned (older than `maxAgeMs`). Readers never
 * look at these names, so this only keeps the folder tidy.
 */
export function sweepLeftovers(dirs: string[], maxAgeMs = 60 * 60 * 1000, now = Date.now()): number {
  let removed = 0;
  for (const dir of dirs) {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      continue;
    }
    for (const name of names) {
      if (!LEFTOVER.test(name)) continue;
      const p = join(dir, name);
      try {
        if (now - statSync(p).mtimeMs < maxAgeMs) continue; // may belong to a live submit
        rmSync(p, { recursive: true, force: true });
        removed++;
      } catch {
        /* raced with its owner or another sweeper: fine */
      }
    }
  }
  return removed;
}
