import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Whether this process may mount a tmpfs (root, as in CI). Off CI a non-root
 * run skips the disk-full cases; under CI=true they always run, and fail with
 * the reason if the mount does.
 */
export const canMountTmpfs = (): boolean => process.getuid?.() === 0 || process.env.CI === 'true';

/** A real, small filesystem for disk-full cases: a tmpfs of `bytes` mounted at `dir`. Throws with the reason when it cannot. */
export function mountSmallTmpfs(dir: string, bytes: number): { dir: string; unmount: () => void } {
  mkdirSync(dir, { recursive: true });
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${bytes}`, 'tmpfs', dir], { stdio: 'pipe' });
  } catch (err) {
    throw new Error(`cannot mount a ${bytes}-byte tmpfs at ${dir} (needs root): ${String((err as { stderr?: Buffer }).stderr ?? err).trim()}`);
  }
  return {
    dir,
    unmount: () => {
      execFileSync('umount', ['-l', dir], { stdio: 'pipe' });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Fills the filesystem of `dir` until `leave` bytes are free (tmpfs counts whole pages). */
export function fillUntilFree(dir: string, leave: number): void {
  const s = statfsSync(dir);
  const free = s.bavail * s.bsize;
  if (free > leave) writeFileSync(join(dir, '.filler'), Buffer.alloc(free - leave));
}
