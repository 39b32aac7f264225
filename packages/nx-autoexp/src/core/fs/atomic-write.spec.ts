import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { canMountTmpfs, fillUntilFree, mountSmallTmpfs } from '../../../tests/support/small-tmpfs';
import { stageAll, writeFileAtomic } from './atomic-write';
import { FsError } from './fs-error';

// Skipped only off CI for a non-root user (canMountTmpfs); under CI=true a failed mount fails the tests.
const maybe = canMountTmpfs() ? it : it.skip;

describe('writeFileAtomic on a full disk (a real 64 KiB tmpfs)', () => {
  const base = mkdtempSync(join(tmpdir(), 'atomic-full-'));
  let dir = '';
  let unmount = () => {};
  beforeAll(() => {
    ({ dir, unmount } = mountSmallTmpfs(join(base, 'fs'), 64 * 1024));
  });
  afterAll(() => {
    unmount();
    rmSync(base, { recursive: true, force: true });
  });

  maybe('a write that does not fit fails with the bytes needed and the filesystem, and leaves the old file and no temp', () => {
    const target = join(dir, 'index.csv');
    writeFileSync(target, 'old contents\n');
    fillUntilFree(dir, 16 * 1024);
    const big = 'x'.repeat(40 * 1024);
    let err: unknown;
    try {
      writeFileAtomic(target, big);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(FsError);
    expect((err as Error).message).toMatch(new RegExp(`^disk full: ${big.length} bytes needed on ${dir} to write ${target} \\(\\d+ bytes free\\)`));
    expect(readFileSync(target, 'utf8')).toBe('old contents\n');
    expect(readdirSync(dir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  maybe('stageAll publishes nothing when the last file does not fit', () => {
    rmSync(join(dir, '.filler'), { force: true });
    writeFileSync(join(dir, 'a'), 'A0');
    writeFileSync(join(dir, 'b'), 'B0');
    fillUntilFree(dir, 16 * 1024);
    expect(() => stageAll([{ path: join(dir, 'a'), data: 'A1' }, { path: join(dir, 'b'), data: 'y'.repeat(40 * 1024) }])).toThrow(/disk full/);
    expect([readFileSync(join(dir, 'a'), 'utf8'), readFileSync(join(dir, 'b'), 'utf8')]).toEqual(['A0', 'B0']);
    expect(readdirSync(dir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
    expect(existsSync(join(dir, '.filler'))).toBe(true);
  });
});
