import { chmodSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpRoot, writeCheckpoint, writeRunRecord } from './__fixtures__/build-tree';
import { findCheckpoint } from './find-checkpoint';

/**
 * Unreadable folders. Tests run as root in CI, where chmod 000 does not block
 * reads; so readdirSync is wrapped to fail with EACCES for chosen paths, which
 * is exactly what a non-root user gets from a mode-000 folder.
 */
const mockDenied = new Set<string>();
jest.mock('node:fs', () => {
  const real = jest.requireActual('node:fs');
  return {
    ...real,
    readdirSync: (p: string, o?: unknown) => {
      if (mockDenied.has(String(p))) throw Object.assign(new Error(`EACCES: permission denied, scandir '${p}'`), { code: 'EACCES' });
      return real.readdirSync(p, o);
    },
  };
});

let root: string;
beforeEach(() => {
  root = tmpRoot();
  mockDenied.clear();
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

it('a mode-000 checkpoint folder: invalid with EACCES for a normal user; readable (so valid) for root', () => {
  writeCheckpoint(join(root, 'checkpoint-1'));
  const locked = writeCheckpoint(join(root, 'checkpoint-2'));
  chmodSync(locked, 0o000);
  try {
    const r = findCheckpoint({ root, policy: 'latest' });
    if (process.getuid?.() === 0) {
      expect(r.selected?.step).toBe(2);
      expect(r.candidates[1].valid).toBe(true);
    } else {
      expect(r.selected?.step).toBe(1);
      expect(r.candidates[1]).toMatchObject({ step: 2, valid: false, reason: 'cannot read folder (EACCES)' });
    }
  } finally {
    chmodSync(locked, 0o755);
  }
});

it('a checkpoint folder that cannot be listed (EACCES) is an invalid candidate with the reason, not a crash', () => {
  writeCheckpoint(join(root, 'checkpoint-1'));
  const locked = writeCheckpoint(join(root, 'checkpoint-2'));
  mockDenied.add(locked);
  const r = findCheckpoint({ root, policy: 'latest' });
  expect(r.selected?.step).toBe(1);
  expect(r.candidates[1]).toMatchObject({ step: 2, valid: false, kind: null, reason: 'cannot read folder (EACCES)' });
});

it('an unreadable folder on the way down is listed as a candidate that was not searched', () => {
  writeCheckpoint(join(root, 'ok', 'checkpoint-1'));
  const hidden = join(root, 'secret');
  writeCheckpoint(join(hidden, 'checkpoint-9'));
  mockDenied.add(hidden);
  const r = findCheckpoint({ root, policy: 'latest' });
  expect(r.selected?.step).toBe(1);
  expect(r.candidates.find((c) => c.path === hidden)).toMatchObject({ valid: false, reason: 'cannot read folder (EACCES); checkpoints inside it were not searched' });
});

it('an unreadable root is reported in the result, naming it', () => {
  mockDenied.add(root);
  const r = findCheckpoint({ root, policy: 'best' });
  expect(r.selected).toBeNull();
  expect(r.note).toBe(`cannot read the folder ${root} (EACCES)`);
});

it("resolving one run never lists the other runs' folders (an unreadable other run does not matter)", () => {
  const mine = join(root, 'run-a');
  const other = join(root, 'run-b');
  writeRunRecord(mine, { run_id: 'a', experiment: 'x', config_hash: 'h', status: 'completed', started_at: '2026-11-01T00:00:00Z' });
  writeCheckpoint(join(mine, 'checkpoint-3'));
  writeRunRecord(other, { run_id: 'b', experiment: 'y', config_hash: 'h2', status: 'completed', started_at: '2026-11-02T00:00:00Z' });
  writeCheckpoint(join(other, 'checkpoint-4'));
  mockDenied.add(other);
  const r = findCheckpoint({ root, policy: 'latest', experiment: 'x' });
  expect(r.selected?.path).toBe(join(mine, 'checkpoint-3'));
  expect(r.candidates).toHaveLength(1);
  // ...while choosing that run lists it, and reports it cannot
  expect(findCheckpoint({ root, policy: 'latest', runId: 'b' }).note).toBe(`cannot read the folder ${other} (EACCES)`);
});
