import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A real, small filesystem for disk-full cases: a tmpfs mounted at `dir`
 * (needs root, as in CI). Returns null, with the reason, where it cannot be
 * mounted; under CI=true that is an error instead, so CI never skips it.
 */
export function mountSmallTmpfs(dir: string, bytes: number): { dir: string; unmount: () => void } | { reason: string } {
  mkdirSync(dir, { recursive: true });
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${bytes}`, 'tmpfs', dir], { stdio: 'pipe' });
  } catch (err) {
    const reason = `cannot mount a ${bytes}-byte tmpfs at ${dir} (needs root): ${String((err as { stderr?: Buffer }).stderr ?? err).trim()}`;
    if (process.env.CI === 'true') throw new Error(`${reason}; CI must run this test as root`);
    return { reason };
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
