import { statSync, statfsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { AutoexpError } from '../errors/autoexp-error';

/** A file-system problem the user can fix (disk full, a folder where a file should be): printed without a stack. */
export class FsError extends AutoexpError {
  constructor(message: string) {
    super(message);
  }
}

/** The error's code (ENOENT, EACCES ...), else its message: the short reason to put in parentheses. */
export function errCode(err: unknown): string {
  return (err as NodeJS.ErrnoException)?.code ?? (err as Error)?.message ?? String(err);
}

/** The mount point holding `path` (from its nearest existing ancestor): where the user has to free space. */
export function mountPointOf(path: string): string {
  let d = resolve(path);
  let dev: number;
  for (;;) {
    try {
      dev = statSync(d).dev;
      break;
    } catch {
      if (dirname(d) === d) return d;
      d = dirname(d);
    }
  }
  for (;;) {
    const up = dirname(d);
    if (up === d) return d;
    try {
      if (statSync(up).dev !== dev) return d;
    } catch {
      return d;
    }
    d = up;
  }
}

function freeBytes(path: string): number | null {
  for (let d = path; ; d = dirname(d)) {
    try {
      const s = statfsSync(d);
      return s.bavail * s.bsize;
    } catch {
      if (dirname(d) === d) return null;
    }
  }
}

/** ENOSPC / EDQUOT while writing `bytes` to `path`, as the message a user can act on. */
export function diskFullError(path: string, bytes: number, err: NodeJS.ErrnoException): FsError {
  const free = freeBytes(dirname(path));
  const what = err.code === 'EDQUOT' ? 'disk quota exceeded' : 'disk full';
  return new FsError(
    `${what}: ${bytes} bytes needed on ${mountPointOf(dirname(path))} to write ${path}` +
      `${free !== null ? ` (${free} bytes free)` : ''}; the old file is unchanged. Free some space there and run again.`,
  );
}

const KIND: Record<string, string> = { EISDIR: 'is a directory', ENOTDIR: 'runs through a file that is not a directory', EACCES: 'permission denied', EPERM: 'permission denied', EROFS: 'read-only file system' };

/**
 * A Node system error (EISDIR, ENOTDIR, ENOSPC ...) on a path, as one plain
 * line with the path and what to do; null for anything else.
 */
export function describeFsError(err: unknown): string | null {
  const e = err as NodeJS.ErrnoException & { dest?: string };
  if (!(err instanceof Error) || typeof e.code !== 'string' || typeof e.syscall !== 'string') return null;
  const where = e.path ? `${e.path}${e.dest ? ` -> ${e.dest}` : ''}` : '(no path)';
  if (e.code === 'ENOSPC' || e.code === 'EDQUOT') return `disk full while ${e.syscall} ${where} (on ${mountPointOf(e.path ?? '.')}): free some space there and run again.`;
  const kind = KIND[e.code];
  if (!kind) return null;
  return `cannot ${e.syscall} ${where}: ${kind} (${e.code}). Move that entry aside (or fix its permissions) and run again.`;
}
