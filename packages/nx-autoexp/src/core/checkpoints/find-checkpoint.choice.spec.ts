import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpRoot, trainerState, writeCheckpoint, writeJson, writeRotatedRun, writeRunRecord } from './__fixtures__/build-tree';
import { findCheckpoint, listCheckpoints } from './find-checkpoint';
import { Candidate } from './types';

// Which checkpoint is chosen, and what the user is told, where several candidates compete.
let root: string;
beforeEach(() => (root = tmpRoot()));
afterEach(() => rmSync(root, { recursive: true, force: true }));
const names = (cs: Candidate[]) => cs.map((c) => c.path.slice(root.length + 1));

describe('policy best', () => {
  it('a tie on the metric keeps the earlier step, as the HF Trainer does (max and min)', () => {
    const evals = [
      { step: 10, eval_score: 0.3, eval_loss: 1.0 },
      { step: 20, eval_score: 0.5, eval_loss: 0.8 },
      { step: 30, eval_score: 0.5, eval_loss: 0.8 },
    ];
    for (const s of [10, 20, 30]) writeCheckpoint(join(root, `checkpoint-${s}`), { state: { globalStep: s, evals } });
    const r = findCheckpoint({ root, policy: 'best' });
    expect(r.selected?.step).toBe(20);
    expect(r.selected?.reason).toBe('best: eval_score=0.5 (max) in log_history among 3 evaluated valid checkpoint(s)');
    expect(findCheckpoint({ root, policy: 'best', metric: 'eval_loss' }).selected?.step).toBe(20);
    // A saved model without a step has no eval of its own: it is not counted among the evaluated.
    writeCheckpoint(join(root, 'final'));
    expect(findCheckpoint({ root, policy: 'best' }).selected?.reason).toBe('best: eval_score=0.5 (max) in log_history among 3 evaluated valid checkpoint(s)');
  });

  it('best_global_step alone (no best_model_checkpoint) names the checkpoint', () => {
    for (const s of [10, 20, 30]) writeCheckpoint(join(root, `checkpoint-${s}`), { state: { globalStep: s } });
    writeJson(join(root, 'checkpoint-30', 'trainer_state.json'), { ...trainerState({ globalStep: 30 }), best_global_step: 20 });
    const r = findCheckpoint({ root, policy: 'best' });
    expect(r.selected?.step).toBe(20);
    expect(r.selected?.reason).toBe('best: best_model_checkpoint checkpoint-20 in trainer_state.json of checkpoint-30 (global_step 30)');
  });

  it("a best_model_checkpoint that is no checkpoint-N folder name is found by best_global_step", () => {
    for (const s of [10, 20, 30]) writeCheckpoint(join(root, `checkpoint-${s}`), { state: { globalStep: s } });
    writeJson(join(root, 'checkpoint-30', 'trainer_state.json'), { ...trainerState({ globalStep: 30, bestModelCheckpoint: '/cluster/run/best' }), best_global_step: 10 });
    expect(findCheckpoint({ root, policy: 'best' }).selected?.step).toBe(10);
  });

  it('when the recorded best is gone, the reason says so next to the metric choice', () => {
    writeRotatedRun(root, { steps: [10, 20, 30, 40], scores: [0.1, 0.6, 0.4, 0.3], keep: 'all' });
    rmSync(join(root, 'checkpoint-20'), { recursive: true });
    const r = findCheckpoint({ root, policy: 'best' });
    expect(r.selected?.reason).toBe('best: eval_score=0.4 (max) in log_history among 3 evaluated valid checkpoint(s); best_model_checkpoint checkpoint-20 in trainer_state.json of checkpoint-40 (global_step 40) no longer exists');
  });

  it("names the state's best_metric when the best checkpoint's own eval is not in log_history", () => {
    writeCheckpoint(join(root, 'checkpoint-20'), { state: { globalStep: 20 } });
    writeCheckpoint(join(root, 'checkpoint-30'), { state: { globalStep: 30, bestModelCheckpoint: join(root, 'checkpoint-20'), bestMetric: 0.7 } });
    const r = findCheckpoint({ root, policy: 'best' });
    expect(r.selected?.step).toBe(20);
    expect(r.selected?.reason).toBe('best: best_model_checkpoint checkpoint-20 in trainer_state.json of checkpoint-30 (global_step 30), best_metric=0.7');
    writeCheckpoint(join(root, 'checkpoint-30'), { state: { globalStep: 30, bestModelCheckpoint: join(root, 'checkpoint-20') } });
    expect(findCheckpoint({ root, policy: 'best' }).selected?.reason).toBe('best: best_model_checkpoint checkpoint-20 in trainer_state.json of checkpoint-30 (global_step 30)');
  });

  it.each([['a', 'b'], ['b', 'a']])('takes best_model_checkpoint from the folder of the newest state (%s), not a same-named one of another run (%s)', (mine, other) => {
    writeCheckpoint(join(root, mine, 'checkpoint-10'), { state: { globalStep: 10 } });
    writeCheckpoint(join(root, mine, 'checkpoint-20'), { state: { globalStep: 20, bestModelCheckpoint: `/elsewhere/${mine}/checkpoint-10` } });
    writeCheckpoint(join(root, other, 'checkpoint-10'), { state: { globalStep: 10 } });
    expect(findCheckpoint({ root, policy: 'best' }).selected?.path).toBe(join(root, mine, 'checkpoint-10'));
  });
});

describe('policy latest', () => {
  it('prefers a checkpoint-N over a saved model without a known step, and says when only the latter exists', () => {
    writeCheckpoint(join(root, 'final'));
    const only = findCheckpoint({ root, policy: 'latest' });
    expect(only.selected?.path).toBe(join(root, 'final'));
    expect(only.selected?.reason).toBe('latest: the only kind of valid folder has no step (among 1 valid checkpoint(s))');
    writeCheckpoint(join(root, 'checkpoint-5'));
    const r = findCheckpoint({ root, policy: 'latest' });
    expect(r.selected?.path).toBe(join(root, 'checkpoint-5'));
    expect(r.selected?.reason).toBe('latest: highest global step 5 among 2 valid checkpoint(s)');
  });
});

describe("validate: 'needed'", () => {
  it('a saved model whose own state is newer than every checkpoint-N is the latest, validated or not', () => {
    writeCheckpoint(join(root, 'checkpoint-20'), { state: { globalStep: 20 } });
    writeCheckpoint(join(root, 'best_model'), { state: { globalStep: 30 } });
    for (const validate of [undefined, 'needed'] as const) {
      const r = findCheckpoint({ root, policy: 'latest', validate });
      expect(r.selected).toMatchObject({ path: join(root, 'best_model'), step: 30 });
    }
  });
});

describe('the candidate table', () => {
  it('is folder by folder, steps in numeric order, folders without a step last (by name)', () => {
    for (const p of ['run_b/checkpoint-2', 'run_a/checkpoint-10', 'run_a/final', 'run_a/checkpoint-9', 'run_a/checkpoint-final']) writeCheckpoint(join(root, p));
    const expected = ['run_a/checkpoint-9', 'run_a/checkpoint-10', 'run_a/checkpoint-final', 'run_a/final', 'run_b/checkpoint-2'];
    expect(names(listCheckpoints(root).candidates)).toEqual(expected);
    expect(names(findCheckpoint({ root, policy: 'latest' }).candidates)).toEqual(expected);
  });
});

describe('qualifies (the folders this run wrote)', () => {
  it('chooses only among qualifying folders and counts the others as excluded', () => {
    writeCheckpoint(join(root, 'mine', 'checkpoint-10'));
    writeCheckpoint(join(root, 'other', 'checkpoint-20'));
    const r = findCheckpoint({ root, policy: 'latest', qualifies: (p) => p.includes(`${root}/mine/`) });
    expect(r.selected?.path).toBe(join(root, 'mine', 'checkpoint-10'));
    expect(names(r.candidates)).toEqual(['mine/checkpoint-10']);
    expect(r.excluded).toBe(1);
    expect(r).toMatchObject({ runDir: null, run: null });
  });

  it('reports a missing root in the result, naming it', () => {
    const gone = join(root, 'nope');
    const r = findCheckpoint({ root: gone, policy: 'latest', qualifies: () => true });
    expect(r.selected).toBeNull();
    expect(r.candidates).toEqual([]);
    expect(r.note).toBe(`the folder ${gone} does not exist (did the trainer write elsewhere? check train.output_dir)`);
  });
});

it("policy 'path' without a path is a call mistake that says what is missing", () => {
  expect(() => findCheckpoint({ root, policy: 'path' })).toThrow("policy 'path' needs a path to the checkpoint folder");
});

describe("policy 'path': the run an explicit folder belongs to", () => {
  const record = (dir: string) => writeRunRecord(join(root, dir), { run_id: 'r1', experiment: 'e', config_hash: 'h', status: 'completed', started_at: '2026-01-01T00:00:00Z' });

  it('is the nearest run record above it, up to five folders above the checkpoint', () => {
    record('run');
    writeCheckpoint(join(root, 'run', 'a', 'b', 'c', 'd', 'checkpoint-10'));
    const r = findCheckpoint({ root, policy: 'path', path: 'run/a/b/c/d/checkpoint-10' });
    expect(r.selected).toMatchObject({ step: 10, valid: true, reason: 'path: the folder given explicitly' });
    expect(r.runDir).toBe(join(root, 'run'));
    expect(r.run?.run_id).toBe('r1');
    expect(r.runs.map((x) => x.runDir)).toEqual([join(root, 'run')]);
  });

  it('is none when the record is six folders above the checkpoint', () => {
    record('run');
    writeCheckpoint(join(root, 'run', 'a', 'b', 'c', 'd', 'e', 'checkpoint-10'));
    const far = findCheckpoint({ root, policy: 'path', path: join(root, 'run', 'a', 'b', 'c', 'd', 'e', 'checkpoint-10') });
    expect(far.selected?.step).toBe(10);
    expect(far).toMatchObject({ runDir: null, run: null, runs: [] });
  });

  it('a folder not named checkpoint-N gets its step from its own state', () => {
    record('run');
    writeCheckpoint(join(root, 'run', 'final'), { state: { globalStep: 42 } });
    const r = findCheckpoint({ root, policy: 'path', path: 'run/final' });
    expect(r.selected).toMatchObject({ path: join(root, 'run', 'final'), step: 42 });
    expect(r.runDir).toBe(join(root, 'run'));
  });
});
