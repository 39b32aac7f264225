import { readFileSync, renameSync, rmSync, truncateSync, utimesSync, writeFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { safetensorsBytes, tmpRoot, writeCheckpoint, writeJson, writeRotatedRun, writeRunRecord } from './__fixtures__/build-tree';
import { findCheckpoint } from './find-checkpoint';
import { fingerprintCheckpoint } from './fingerprint';
import { buildManifest, readManifest, verifyManifest, writeManifest } from './manifest';

let ws: string;
beforeEach(() => {
  ws = tmpRoot('ws-');
});
afterEach(() => rmSync(ws, { recursive: true, force: true }));

describe('fingerprintCheckpoint', () => {
  it('is stable, and ignores non-weight files (tokenizer, trainer_state, optimizer)', () => {
    const d = writeCheckpoint(join(ws, 'c'), { state: { globalStep: 10 } });
    const fp = fingerprintCheckpoint(d);
    expect(fp).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(fingerprintCheckpoint(d)).toBe(fp);
    writeJson(join(d, 'tokenizer.json'), { changed: true });
    writeJson(join(d, 'trainer_state.json'), { global_step: 99 });
    writeFileSync(join(d, 'optimizer.pt'), 'x');
    expect(fingerprintCheckpoint(d)).toBe(fp);
  });

  it('changes when a weight file is rewritten with the same size, touched, or truncated', () => {
    const d = writeCheckpoint(join(ws, 'c'));
    const f = join(d, 'model.safetensors');
    const fp0 = fingerprintCheckpoint(d);
    // same bytes length, different content, different mtime
    writeFileSync(f, safetensorsBytes(2, 7));
    utimesSync(f, new Date(2030, 0, 1), new Date(2030, 0, 1));
    const fp1 = fingerprintCheckpoint(d);
    expect(fp1).not.toBe(fp0);
    utimesSync(f, new Date(2031, 0, 1), new Date(2031, 0, 1));
    const fp2 = fingerprintCheckpoint(d);
    expect(fp2).not.toBe(fp1);
    truncateSync(f, statSync(f).size - 1);
    utimesSync(f, new Date(2031, 0, 1), new Date(2031, 0, 1));
    expect(fingerprintCheckpoint(d)).not.toBe(fp2);
  });

  it('changes when a safetensors header changes even if size and mtime are restored', () => {
    const d = writeCheckpoint(join(ws, 'c'));
    const f = join(d, 'model.safetensors');
    const { mtime } = statSync(f);
    const fp0 = fingerprintCheckpoint(d);
    const bytes = readFileSync(f);
    const patched = Buffer.from(bytes.toString('latin1').replace('"w"', '"v"'), 'latin1');
    writeFileSync(f, patched);
    utimesSync(f, mtime, mtime);
    expect(fingerprintCheckpoint(d)).not.toBe(fp0);
  });

  it('covers every shard of a sharded model', () => {
    const d = writeCheckpoint(join(ws, 'c'), { kind: 'sharded' });
    const fp0 = fingerprintCheckpoint(d);
    utimesSync(join(d, 'model-00002-of-00002.safetensors'), new Date(2030, 0, 1), new Date(2030, 0, 1));
    expect(fingerprintCheckpoint(d)).not.toBe(fp0);
  });

  it('fingerprints adapters and throws with a reason for a folder without weights', () => {
    expect(fingerprintCheckpoint(writeCheckpoint(join(ws, 'a'), { kind: 'adapter' }))).toMatch(/^sha256:/);
    expect(() => fingerprintCheckpoint(join(ws, 'nope'))).toThrow(/cannot fingerprint .*nope: folder does not exist/);
    const e = writeCheckpoint(join(ws, 'e'));
    rmSync(join(e, 'model.safetensors'));
    expect(() => fingerprintCheckpoint(e)).toThrow(/cannot fingerprint .*e: no model weights/);
  });
});

describe('manifest', () => {
  const train = () => {
    const run = join(ws, 'outputs', 'demo', '20261126T081500Z-3fa2c1d0');
    writeRunRecord(run, { run_id: '20261126T081500Z-3fa2c1d0', experiment: 'demo', config_hash: '3fa2c1d0ff', status: 'completed', started_at: '2026-11-26T08:15:00Z' });
    writeRotatedRun(run, { steps: [20, 40, 60], scores: [0.3, 0.41, 0.35] });
    const result = findCheckpoint({ root: join(ws, 'outputs', 'demo'), policy: 'best', experiment: 'demo' });
    return { run, result };
  };

  it('records the workspace-relative path, step, kind, why, metric, fingerprint and run', () => {
    const { result, run } = train();
    const m = buildManifest(result, { workspaceRoot: ws, experiment: 'demo', policy: 'best' });
    expect(m).toEqual({
      version: 1,
      experiment: 'demo',
      path: 'outputs/demo/20261126T081500Z-3fa2c1d0/checkpoint-40',
      step: 40,
      kind: 'full',
      policy: 'best',
      reason: 'best: best_model_checkpoint checkpoint-40 in trainer_state.json of checkpoint-60 (global_step 60), eval_score=0.41; run 20261126T081500Z-3fa2c1d0 (newest completed run with experiment demo)',
      metric: { name: 'eval_score', value: 0.41 },
      fingerprint: fingerprintCheckpoint(join(run, 'checkpoint-40')),
      run_id: '20261126T081500Z-3fa2c1d0',
      config_hash: '3fa2c1d0ff',
    });
    // explicit ids win over the run record's
    expect(buildManifest(result, { workspaceRoot: ws, experiment: 'demo', policy: 'best', runId: 'X', configHash: 'Y' })).toMatchObject({ run_id: 'X', config_hash: 'Y' });
  });

  it('refuses to build a manifest when nothing was selected', () => {
    const result = findCheckpoint({ root: ws, policy: 'best' });
    expect(() => buildManifest(result, { workspaceRoot: ws, experiment: 'demo', policy: 'best' })).toThrow(/no valid checkpoint was selected/);
  });

  it('round-trips through writeManifest/readManifest and verifies ok', () => {
    const { result } = train();
    const file = join(ws, 'runs', 'demo', 'train', 'checkpoint.json');
    const m = buildManifest(result, { workspaceRoot: ws, experiment: 'demo', policy: 'best' });
    writeManifest(file, m);
    expect(readFileSync(file, 'utf8').endsWith('}\n')).toBe(true);
    const back = readManifest(file);
    expect(back).toEqual(m);
    expect(verifyManifest(back, ws)).toEqual({ ok: true });
  });

  it('verifyManifest: missing when the checkpoint was deleted or moved', () => {
    const { result, run } = train();
    const m = buildManifest(result, { workspaceRoot: ws, experiment: 'demo', policy: 'best' });
    renameSync(join(run, 'checkpoint-40'), join(run, 'moved'));
    expect(verifyManifest(m, ws)).toEqual({
      ok: false,
      problem: 'missing',
      message: 'checkpoint outputs/demo/20261126T081500Z-3fa2c1d0/checkpoint-40 (step 40) no longer exists (deleted or moved since train)',
    });
  });

  it('verifyManifest: changed when a weight file was replaced since train', () => {
    const { result, run } = train();
    const m = buildManifest(result, { workspaceRoot: ws, experiment: 'demo', policy: 'best' });
    const f = join(run, 'checkpoint-40', 'model.safetensors');
    writeFileSync(f, safetensorsBytes(2, 5));
    utimesSync(f, new Date(2030, 0, 1), new Date(2030, 0, 1));
    const v = verifyManifest(m, ws);
    expect(v).toMatchObject({ ok: false, problem: 'changed' });
    expect(!v.ok && v.message).toMatch(/^the weight files of checkpoint outputs\/demo\/.*checkpoint-40 \(step 40\) changed since train/);
  });

  it('verifyManifest: invalid when a weight file was truncated', () => {
    const { result, run } = train();
    const m = buildManifest(result, { workspaceRoot: ws, experiment: 'demo', policy: 'best' });
    const f = join(run, 'checkpoint-40', 'model.safetensors');
    truncateSync(f, 10);
    expect(verifyManifest(m, ws)).toMatchObject({ ok: false, problem: 'invalid', message: expect.stringMatching(/is no longer a valid checkpoint: model\.safetensors: header length/) });
  });

  it('readManifest: clear errors for torn JSON, a wrong version and missing fields', () => {
    const f = join(ws, 'm.json');
    writeFileSync(f, '{"version": 1,');
    expect(() => readManifest(f)).toThrow(`checkpoint manifest ${f} is not valid JSON; run the train target again to rewrite it`);
    writeJson(f, { version: 2 });
    expect(() => readManifest(f)).toThrow(/unsupported version 2 \(expected 1\)/);
    writeJson(f, { version: 1, path: 'x', fingerprint: 'md5:1', kind: 'full', policy: 'best', step: 1 });
    expect(() => readManifest(f)).toThrow(/"fingerprint" is missing or not "sha256:..."/);
    expect(() => readManifest(join(ws, 'absent.json'))).toThrow(/cannot be read \(ENOENT\)/);
  });
});
