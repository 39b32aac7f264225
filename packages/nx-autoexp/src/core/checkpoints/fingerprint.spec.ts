import { readFileSync, rmSync, symlinkSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpRoot, writeCheckpoint } from './__fixtures__/build-tree';
import { fingerprintCheckpoint } from './fingerprint';

// The fingerprint decides whether infer's weights are stale: a silent miss means predictions of old weights.
let ws: string;
beforeEach(() => (ws = tmpRoot('fp-')));
afterEach(() => rmSync(ws, { recursive: true, force: true }));
const T = new Date(2030, 0, 1); // whole milliseconds: restoring it restores mtimeMs exactly

it('changes when only the safetensors header changes (same size, same mtime)', () => {
  const d = writeCheckpoint(join(ws, 'c'));
  const f = join(d, 'model.safetensors');
  utimesSync(f, T, T);
  const fp0 = fingerprintCheckpoint(d);
  expect(fingerprintCheckpoint(d)).toBe(fp0);
  writeFileSync(f, Buffer.from(readFileSync(f).toString('latin1').replace('"w"', '"v"'), 'latin1'));
  utimesSync(f, T, T);
  expect(fingerprintCheckpoint(d)).not.toBe(fp0);
});

it('changes when a pytorch_model.bin is rewritten, and not when it is left alone', () => {
  const d = writeCheckpoint(join(ws, 'c'), { kind: 'bin' });
  const f = join(d, 'pytorch_model.bin');
  utimesSync(f, T, T);
  const fp0 = fingerprintCheckpoint(d);
  expect(fingerprintCheckpoint(d)).toBe(fp0);
  writeFileSync(f, Buffer.concat([readFileSync(f), Buffer.from([0])]));
  utimesSync(f, T, T);
  expect(fingerprintCheckpoint(d)).not.toBe(fp0);
  utimesSync(f, new Date(2031, 0, 1), new Date(2031, 0, 1));
  expect(fingerprintCheckpoint(d)).not.toBe(fp0);
});

it('a weight file that cannot be read is an error naming the folder, the file and the cause', () => {
  const d = writeCheckpoint(join(ws, 'c'));
  unlinkSync(join(d, 'model.safetensors'));
  symlinkSync(join(ws, 'gone.safetensors'), join(d, 'model.safetensors'));
  expect(() => fingerprintCheckpoint(d)).toThrow(`cannot fingerprint ${d}: `);
  expect(() => fingerprintCheckpoint(d)).toThrow(/: model\.safetensors \(ENOENT\)$/);
});
