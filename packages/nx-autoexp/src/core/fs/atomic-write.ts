import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { diskFullError } from './fs-error';

export interface AtomicWriteOptions {
  /**
   * Flush the data to disk before the rename (default true), so a crash never
   * leaves an empty file in place. Derived files that are rewritten on every
   * use (caches, stamps) skip it: it costs milliseconds per file.
   */
  durable?: boolean;
}

/** A complete temp file beside its target, not yet renamed over it. */
export interface StagedFile {
  path: string;
  tmp: string;
  /** Renames the temp file over the target (atomic; needs no free space). */
  commit(): void;
  /** Removes the temp file; the target stays as it was. */
  discard(): void;
}

const isFull = (err: unknown) => ['ENOSPC', 'EDQUOT'].includes((err as NodeJS.ErrnoException).code ?? '');

/** writeSync writes what fits and returns the count: loop until all of it is written (a full disk then throws ENOSPC). */
function writeAll(fd: number, buf: Uint8Array): void {
  for (let off = 0; off < buf.length; ) {
    const n = writeSync(fd, buf, off, buf.length - off);
    if (n <= 0) throw Object.assign(new Error('write returned 0 bytes'), { code: 'ENOSPC' });
    off += n;
  }
}

/**
 * Writes `data` completely to a temp file in the target's folder (same
 * filesystem, so the later rename is atomic) and fsyncs it, without touching
 * the target. Several files staged first and committed together publish all
 * or none of them when the disk fills up. A full disk is an FsError naming
 * the bytes needed and the filesystem.
 */
export function stageFileAtomic(path: string, data: string | Uint8Array, options: AtomicWriteOptions = {}): StagedFile {
  const dir = dirname(path);
  const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    mkdirSync(dir, { recursive: true });
    const fd = openSync(tmp, 'w');
    try {
      writeAll(fd, buf);
      if (options.durable !== false) fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch (err) {
    rmSync(tmp, { force: true });
    if (isFull(err)) throw diskFullError(path, buf.length, err as NodeJS.ErrnoException);
    throw err;
  }
  return {
    path,
    tmp,
    commit: () => {
      try {
        renameSync(tmp, path);
      } catch (err) {
        rmSync(tmp, { force: true });
        if (isFull(err)) throw diskFullError(path, buf.length, err as NodeJS.ErrnoException);
        throw err;
      }
    },
    discard: () => rmSync(tmp, { force: true }),
  };
}

/**
 * Writes `data` to `path` atomically: a complete, fsynced temp file renamed
 * over the target. A reader sees the old file or the new one, never a torn
 * one; a failed write leaves the old file as it was.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array, options: AtomicWriteOptions = {}): void {
  stageFileAtomic(path, data, options).commit();
}

/** JSON with a trailing newline and stable 2-space indentation. */
export function writeJsonAtomic(path: string, value: unknown, options?: AtomicWriteOptions): void {
  writeFileAtomic(path, JSON.stringify(value, null, 2) + '\n', options);
}

/** Stages several files; if any fails, the ones staged so far are discarded and the error is rethrown. */
export function stageAll(files: { path: string; data: string | Uint8Array }[], options?: AtomicWriteOptions): StagedFile[] {
  const staged: StagedFile[] = [];
  try {
    for (const f of files) staged.push(stageFileAtomic(f.path, f.data, options));
  } catch (err) {
    for (const s of staged) s.discard();
    throw err;
  }
  return staged;
}
