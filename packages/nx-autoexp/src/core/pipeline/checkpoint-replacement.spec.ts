import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpRoot, writeCheckpoint, writeRunRecord } from '../checkpoints/__fixtures__/build-tree';
import type { CheckpointManifest } from '../checkpoints';
import type { ResolvedExperiment } from '../config/types';
import { replacementCheckpoint } from './checkpoint-replacement';

// What infer uses when the checkpoint train recorded is gone: a later completed run of the same train config, or nothing.
let root: string;
beforeEach(() => {
  root = tmpRoot('replacement-');
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const exp = (policy: 'latest' | 'best' | 'path' = 'latest') =>
  ({ name: 'x', outputDir: 'outputs/x', config: { checkpoint: { policy, path: policy === 'path' ? 'outputs/x/store' : null, metric: 'eval_score', mode: 'max' } } }) as unknown as ResolvedExperiment;
const gone: CheckpointManifest = { version: 1, experiment: 'x', path: 'outputs/x/r1/checkpoint-10', step: 10, kind: 'full', policy: 'latest', reason: 'test', metric: null, fingerprint: 'sha256:gone', run_id: 'r1', config_hash: 'h1' };
const run = (dir: string, id: string, o: { hash?: string; status?: 'completed' | 'running'; started: string; steps?: number[] }) => {
  writeRunRecord(join(root, dir), { run_id: id, experiment: 'x', config_hash: o.hash ?? 'h1', status: o.status ?? 'completed', started_at: o.started });
  for (const s of o.steps ?? [10]) writeCheckpoint(join(root, dir, `checkpoint-${s}`));
};

describe('replacementCheckpoint', () => {
  it('takes the newest completed run of the same train config, by the same policy', () => {
    run('outputs/x/r1', 'r1', { started: '2026-01-01T00:00:00Z', steps: [] });
    run('outputs/x/r2', 'r2', { started: '2026-01-02T00:00:00Z', steps: [10, 20] });
    const m = replacementCheckpoint(root, exp(), gone, false);
    expect(m).toMatchObject({ path: 'outputs/x/r2/checkpoint-20', step: 20, run_id: 'r2', config_hash: 'h1', policy: 'latest', experiment: 'x' });
    expect(m!.fingerprint).toMatch(/^sha256:/);
  });

  it('nothing when no later training of that config completed, or only the manifest run is left', () => {
    run('outputs/x/r1', 'r1', { started: '2026-01-01T00:00:00Z', steps: [5] }); // another checkpoint of the same run is not a retrain
    expect(replacementCheckpoint(root, exp(), gone, false)).toBeNull();
    run('outputs/x/r2', 'r2', { started: '2026-01-02T00:00:00Z', hash: 'h2' });
    expect(replacementCheckpoint(root, exp(), gone, false)).toBeNull();
    run('outputs/x/r3', 'r3', { started: '2026-01-03T00:00:00Z', status: 'running' });
    expect(replacementCheckpoint(root, exp(), gone, false)).toBeNull();
  });

  it("a full run's infer never takes a smoke run's checkpoint; a smoke infer takes one", () => {
    run('outputs/x/smoke/s1', 's1', { started: '2026-01-02T00:00:00Z', steps: [4] });
    expect(replacementCheckpoint(root, exp(), gone, false)).toBeNull();
    expect(replacementCheckpoint(root, exp(), { ...gone, path: 'outputs/x/smoke/s0/checkpoint-4', run_id: 's0' }, true)).toMatchObject({ path: 'outputs/x/smoke/s1/checkpoint-4', run_id: 's1' });
  });

  it('a smoke run after the retrain does not hide the retrain from a full infer', () => {
    run('outputs/x/r2', 'r2', { started: '2026-01-02T00:00:00Z', steps: [30] });
    run('outputs/x/smoke/s1', 's1', { started: '2026-01-03T00:00:00Z', steps: [4] });
    expect(replacementCheckpoint(root, exp(), gone, false)).toMatchObject({ path: 'outputs/x/r2/checkpoint-30', run_id: 'r2' });
  });

  it('nothing for a checkpoint.policy: path folder, or a manifest without a config hash', () => {
    run('outputs/x/r2', 'r2', { started: '2026-01-02T00:00:00Z' });
    expect(replacementCheckpoint(root, exp('path'), { ...gone, policy: 'path' }, false)).toBeNull();
    expect(replacementCheckpoint(root, exp(), { ...gone, config_hash: null }, false)).toBeNull();
  });
});
