import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { reclaimSafeFs, withFileLock } from './file-lock';

describe('withFileLock', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'flock-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('serialises read-modify-write sections (no lost update)', async () => {
    const target = join(dir, 'counter.txt');
    writeFileSync(target, '0');
    await Promise.all(
      Array.from({ length: 12 }, () =>
        withFileLock(target, async () => {
          const v = Number(readFileSync(target, 'utf8'));
          await new Promise((r) => setTimeout(r, 2)); // invite interleaving
          writeFileSync(target, String(v + 1));
        }),
      ),
    );
    expect(readFileSync(target, 'utf8')).toBe('12');
    expect(existsSync(`${target}.lock`)).toBe(false);
  });

  it('takes over a stale lock left by a dead holder', async () => {
    const target = join(dir, 'index.csv');
    mkdirSync(`${target}.lock`);
    const old = new Date(Date.now() - 60_000);
    utimesSync(`${target}.lock`, old, old);
    await expect(withFileLock(target, () => 'ran', { staleMs: 2000 })).resolves.toBe('ran');
    expect(existsSync(`${target}.lock`)).toBe(false);
  });

  it('takes over a lock whose mtime is far in the future at once (no live holder writes that)', async () => {
    const target = join(dir, 'index.csv');
    mkdirSync(`${target}.lock`);
    const future = new Date(Date.now() + 3600_000);
    utimesSync(`${target}.lock`, future, future);
    await expect(withFileLock(target, () => 'ran', { staleMs: 10_000, timeoutMs: 200 })).resolves.toBe('ran');
    expect(existsSync(`${target}.lock`)).toBe(false);
  });

  it('gives up on a live lock with a message that says what to do', async () => {
    const target = join(dir, 'index.csv');
    mkdirSync(`${target}.lock`);
    await expect(withFileLock(target, () => 'ran', { staleMs: 10_000, timeoutMs: 200 })).rejects.toThrow(/another submit is holding .*index\.csv\.lock/);
    expect(existsSync(`${target}.lock`)).toBe(true);
  });

  it('reclaim path never removes a lock that is fresh (lost stat/rmdir race)', (done) => {
    const lockDir = join(dir, 'x.lock');
    mkdirSync(lockDir); // someone just re-acquired it
    reclaimSafeFs(2000, () => false).rmdir(lockDir, (err) => {
      expect(err?.code).toBe('ELOCKED');
      expect(existsSync(lockDir)).toBe(true);
      done();
    });
  });
});
