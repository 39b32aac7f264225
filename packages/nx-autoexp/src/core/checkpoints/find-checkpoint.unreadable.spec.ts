import { chmodSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpRoot, writeCheckpoint } from './__fixtures__/build-tree';
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
