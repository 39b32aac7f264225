import { existsSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sweepLeftovers } from './sweep-leftovers';

describe('sweepLeftovers', () => {
  it('removes old temp files and staging folders only', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sweep-'));
    try {
      const old = new Date(Date.now() - 2 * 3600_000);
      const names = ['.output.csv.123.abcd1234.tmp', '.staging-demo-1-abcd', 'experiment_index.csv.lock.stale-9-ab12', '.fresh.csv.1.ab.tmp', 'keep.csv', '.hidden-user-file'];
      for (const n of names) (n.includes('staging') || n.includes('lock') ? mkdirSync : (p: string) => writeFileSync(p, 'x'))(join(dir, n));
      for (const n of names.filter((n) => n !== '.fresh.csv.1.ab.tmp')) utimesSync(join(dir, n), old, old);
      expect(sweepLeftovers([dir, join(dir, 'absent')])).toBe(3);
      expect(names.filter((n) => existsSync(join(dir, n)))).toEqual(['.fresh.csv.1.ab.tmp', 'keep.csv', '.hidden-user-file']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
