import * as fs from 'node:fs';
import { randomBytes } from 'node:crypto';
import * as lockfile from 'proper-lockfile';
import { SubmissionError } from './submission-error';

export interface FileLockOptions {
  /** A lock whose mtime is older than this is from a dead process and is taken over. */
  staleMs?: number;
  /** Give up acquiring after roughly this long (0: try once). */
  timeoutMs?: number;
  /** The error to throw when the lock stays busy (default: a submit is holding it). */
  busyError?: (lockfilePath: string, staleMs: number, timeoutMs: number) => Error;
}

/**
 * A holder refreshes the lock's mtime to "now"; one further than staleMs in
 * the future (a copied folder, a clock set back) can come from no live
 * holder, and proper-lockfile, which only checks "older than", would wait
 * on it forever.
 */
const fresh = (mtimeMs: number, staleMs: number): boolean => Math.abs(Date.now() - mtimeMs) <= staleMs;

/** Stale window: AUTOEXP_LOCK_STALE_MS (tests shorten it), else 10 s; proper-lockfile's floor is 2 s. */
export function defaultStaleMs(): number {
  const env = Number(process.env.AUTOEXP_LOCK_STALE_MS);
  return Math.max(2000, Number.isFinite(env) && env > 0 ? env : 10_000);
}

/**
 * proper-lockfile reclaims a stale lock with rmdir + mkdir, which lets two
 * waiters both "win" (moxystudio/node-proper-lockfile#121: the slower one
 * removes the lock the faster one just made). We give it an fs whose rmdir,
 * on the reclaim path, first renames the lock dir to a unique name (only one
 * waiter can win that rename) and then checks that the dir it took is really
 * stale; a fresh one is put back and the attempt counts as "still locked".
 */
export function reclaimSafeFs(staleMs: number, isReleasing: () => boolean): typeof fs {
  const rmdir = (p: string, cb: (err: NodeJS.ErrnoException | null) => void): void => {
    if (isReleasing()) return fs.rmdir(p, cb);
    const claimed = `${p}.stale-${process.pid}-${randomBytes(4).toString('hex')}`;
    fs.rename(p, claimed, (err) => {
      if (err) return cb(err); // ENOENT: someone else reclaimed it; proper-lockfile retries mkdir
      fs.stat(claimed, (statErr, st) => {
        if (!statErr && fresh(st.mtimeMs, staleMs)) {
          fs.rename(claimed, p, () => cb(Object.assign(new Error('Lock file is already being held'), { code: 'ELOCKED' })));
          return;
        }
        fs.rmdir(claimed, () => cb(null));
      });
    });
  };
  // proper-lockfile judges staleness from stat: report a far-future mtime as stale too.
  const stat = (p: string, cb: (err: NodeJS.ErrnoException | null, st: fs.Stats) => void): void => {
    fs.stat(p, (err, st) => {
      if (!err && p.endsWith('.lock') && st.mtimeMs > Date.now() + staleMs) {
        st.mtime = new Date(0);
        st.mtimeMs = 0;
      }
      cb(err, st);
    });
  };
  return { ...fs, rmdir, stat } as unknown as typeof fs;
}

/**
 * Runs `fn` while holding an inter-process lock on `path` (a `<path>.lock`
 * directory beside it). `fn` should be short and synchronous in effect: the
 * lock is kept fresh by a timer, so a killed holder's lock goes stale after
 * `staleMs` and the next caller takes it over.
 */
export async function withFileLock<T>(path: string, fn: () => T | Promise<T>, opts: FileLockOptions = {}): Promise<T> {
  const staleMs = opts.staleMs ?? defaultStaleMs();
  const timeoutMs = opts.timeoutMs ?? Math.max(30_000, 3 * staleMs);
  const retries = timeoutMs === 0 ? 0 : { retries: Math.ceil(timeoutMs / 15), maxRetryTime: timeoutMs, factor: 1.5, minTimeout: 15, maxTimeout: 400, randomize: true };
  let releasing = false;
  let compromised: Error | null = null;
  const lockfilePath = `${path}.lock`;
  let release: () => Promise<void>;
  try {
    release = await lockfile.lock(path, {
      lockfilePath,
      realpath: false, // the locked file may not exist yet
      stale: staleMs,
      // Exponential backoff with jitter, capped; stop retrying after timeoutMs.
      retries,
      fs: reclaimSafeFs(staleMs, () => releasing),
      onCompromised: (err) => {
        compromised = err;
      },
    });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ELOCKED') {
      if (opts.busyError) throw opts.busyError(lockfilePath, staleMs, timeoutMs);
      throw new SubmissionError(
        `could not lock ${path} within ${Math.round(timeoutMs / 1000)} s: another submit is holding ${lockfilePath}. ` +
          `If no submit is running, that lock is left from a crash and is taken over after ${staleMs / 1000} s; or remove the folder ${lockfilePath}.`,
      );
    }
    throw err;
  }
  try {
    if (compromised) throw new SubmissionError(`lost the lock on ${path} before using it: ${(compromised as Error).message}; run again.`);
    return await fn();
  } finally {
    releasing = true;
    await release().catch(() => undefined); // already released if compromised
  }
}
