import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

export interface AtomicWriteOptions {
  /**
   * Flush the data to disk before the rename (default true), so a crash never
   * leaves an empty file in place. Derived files that are rewritten on every
   * use (caches, stamps) skip it: it costs milliseconds per file.
   */
  durable?: boolean;
}

/**
 * Writes `data` to `path` atomically: a temp file in the same folder (same
 * filesystem, so rename is atomic), fsync, then rename over the target.
 * A reader sees the old file or the new one, never a torn one.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array, options: AtomicWriteOptions = {}): void {
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true });
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    const fd = openSync(tmp, 'w');
    try {
      writeSync(fd, typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
      if (options.durable !== false) fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

/** JSON with a trailing newline and stable 2-space indentation. */
export function writeJsonAtomic(path: string, value: unknown, options?: AtomicWriteOptions): void {
  writeFileAtomic(path, JSON.stringify(value, null, 2) + '\n', options);
}
