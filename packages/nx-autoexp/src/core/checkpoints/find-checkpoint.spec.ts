import { mkdirSync, rmSync, symlinkSync, truncateSync, statSync, writeFileSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { tmpRoot, writeCheckpoint, writeJson, writeRotatedRun, writeRunRecord } from './__fixtures__/build-tree';
import { NOT_CHECKED, findCheckpoint as findAll, listCheckpoints } from './find-checkpoint';
import { formatNoCheckpointError } from './format';
import { Candidate, FindOptions, FinderResult } from './types';

/**
 * Every scenario below also runs with validate: 'needed', which must choose
 * the same folder for the same reason while validating fewer folders.
 */
function findCheckpoint(opts: FindOptions): FinderResult {
  const full = findAll(opts);
  const lazy = findAll({ ...opts, validate: 'needed' });
  expect(lazy.selected?.path).toEqual(full.selected?.path);
  expect(lazy.selected?.step).toEqual(full.selected?.step);
  expect(lazy.selected?.metric).toEqual(full.selected?.metric);
  expect(lazy.fallback).toEqual(full.fallback);
  // Same rule; only the "among N" counts may differ.
  expect(lazy.selected?.reason.split(/ among | \(| of \d/)[0]).toEqual(full.selected?.reason.split(/ among | \(| of \d/)[0]);
  expect(lazy.candidates.map((c) => c.path)).toEqual(full.candidates.map((c) => c.path));
  for (const c of lazy.candidates) if (c.checked !== false) expect(c).toEqual(full.candidates.find((f) => f.path === c.path));
  return full;
}

let root: string;
beforeEach(() => {
  root = tmpRoot();
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

const names = (cs: Candidate[]) => cs.map((c) => c.path.slice(root.length + 1));

describe('policy latest', () => {
  it('orders steps numerically: checkpoint-10 beats checkpoint-9', () => {
    writeCheckpoint(join(root, 'checkpoint-9'));
    writeCheckpoint(join(root, 'checkpoint-10'));
    const r = findCheckpoint({ root, policy: 'latest' });
    expect(r.selected).toMatchObject({ path: join(root, 'checkpoint-10'), step: 10, valid: true });
    expect(r.selected!.reason).toBe('latest: highest global step 10 among 2 valid checkpoint(s)');
    expect(names(r.candidates)).toEqual(['checkpoint-9', 'checkpoint-10']);
  });

  it('skips a newer checkpoint whose weights were truncated by a crash, saying why', () => {
    writeCheckpoint(join(root, 'checkpoint-20'));
    const f = join(writeCheckpoint(join(root, 'checkpoint-30')), 'model.safetensors');
    truncateSync(f, statSync(f).size - 4);
    mkdirSync(join(root, 'checkpoint-40'));
    const r = findCheckpoint({ root, policy: 'latest' });
    expect(r.selected?.step).toBe(20);
    const byStep = Object.fromEntries(r.candidates.map((c) => [c.step, c]));
    expect(byStep[30]).toMatchObject({ valid: false, reason: expect.stringMatching(/^model\.safetensors: truncated/) });
    expect(byStep[40]).toMatchObject({ valid: false, reason: expect.stringMatching(/^empty folder/) });
  });

  it('accepts checkpoint-N without trainer_state.json (step from the folder name, no metric)', () => {
    writeCheckpoint(join(root, 'checkpoint-7'), { state: null });
    const r = findCheckpoint({ root, policy: 'latest' });
    expect(r.selected).toMatchObject({ step: 7, metric: null, valid: true });
  });
});

describe('policy best', () => {
  it('uses best_model_checkpoint of the newest state: best != latest after rotation', () => {
    // save_total_limit=2 + load_best_model_at_end keeps the best (30) and the newest (50).
    const { best, latest } = writeRotatedRun(root, { steps: [10, 20, 30, 40, 50], scores: [0.1, 0.2, 0.5, 0.3, 0.4] });
    expect([best, latest]).toEqual([30, 50]);
    const r = findCheckpoint({ root, policy: 'best' });
    expect(names(r.candidates)).toEqual(['checkpoint-30', 'checkpoint-50']);
    expect(r.selected).toMatchObject({ step: 30, metric: 0.5 });
    expect(r.selected!.reason).toBe('best: best_model_checkpoint checkpoint-30 in trainer_state.json of checkpoint-50 (global_step 50), eval_score=0.5');
    expect(r.fallback).toBeUndefined();
    expect(findCheckpoint({ root, policy: 'latest' }).selected?.step).toBe(50);
  });

  it('maps a best_model_checkpoint written on another machine to the folder here by name', () => {
    writeRotatedRun(root, { steps: [10, 20], scores: [0.9, 0.1], trainerPathPrefix: '/cluster/scratch/someone/outputs/run7' });
    expect(findCheckpoint({ root, policy: 'best' }).selected?.step).toBe(10);
  });

  it('falls back to the metric in log_history when the recorded best checkpoint is gone', () => {
    writeRotatedRun(root, { steps: [10, 20, 30, 40], scores: [0.1, 0.6, 0.4, 0.3], keep: 'all' });
    rmSync(join(root, 'checkpoint-20'), { recursive: true });
    const r = findCheckpoint({ root, policy: 'best' });
    expect(r.selected?.step).toBe(30);
    expect(r.fallback).toMatch(/best_model_checkpoint checkpoint-20 in trainer_state\.json of checkpoint-40 \(global_step 40\) no longer exists; chose by eval_score instead/);
  });

  it('falls back to the metric when the recorded best checkpoint is invalid', () => {
    writeRotatedRun(root, { steps: [10, 20, 30], scores: [0.1, 0.6, 0.4], keep: 'all' });
    unlinkSync(join(root, 'checkpoint-20', 'model.safetensors'));
    const r = findCheckpoint({ root, policy: 'best' });
    expect(r.selected?.step).toBe(30);
    expect(r.fallback).toMatch(/checkpoint-20 .* is invalid \(no model weights/);
  });

  it('chooses by a named metric and mode when trainer_state names no best', () => {
    const evals = [
      { step: 10, eval_score: 0.2, eval_loss: 2.0 },
      { step: 20, eval_score: 0.5, eval_loss: 1.5 },
      { step: 30, eval_score: 0.4, eval_loss: 1.2 },
    ];
    for (const s of [10, 20, 30]) writeCheckpoint(join(root, `checkpoint-${s}`), { state: { globalStep: s, evals } });
    expect(findCheckpoint({ root, policy: 'best' }).selected?.step).toBe(20);
    const byLoss = findCheckpoint({ root, policy: 'best', metric: 'eval_loss' });
    expect(byLoss.selected?.step).toBe(30); // mode defaults to min for a loss
    expect(byLoss.selected?.reason).toMatch(/^best: eval_loss=1\.2 \(min\)/);
    expect(findCheckpoint({ root, policy: 'best', metric: 'loss', mode: 'max' }).selected?.step).toBe(10); // 'loss' -> eval_loss, max
    expect(findCheckpoint({ root, policy: 'best', metric: 'score' }).metricName).toBe('eval_score');
  });

  it('ignores evals of checkpoints that no longer exist', () => {
    const evals = [
      { step: 10, eval_score: 0.9 },
      { step: 20, eval_score: 0.5 },
      { step: 30, eval_score: 0.4 },
    ];
    for (const s of [20, 30]) writeCheckpoint(join(root, `checkpoint-${s}`), { state: { globalStep: s, evals } });
    expect(findCheckpoint({ root, policy: 'best' }).selected?.step).toBe(20);
  });

  it('with no eval at all, takes the latest and records the fallback', () => {
    for (const s of [5, 15]) writeCheckpoint(join(root, `checkpoint-${s}`), { state: { globalStep: s } });
    const r = findCheckpoint({ root, policy: 'best' });
    expect(r.selected?.step).toBe(15);
    expect(r.fallback).toBe('no eval_score in log_history for any valid checkpoint; chose the latest');
    expect(r.selected?.reason).toMatch(/^latest: .*\(fallback: no eval_score in log_history/);
  });
});

describe('policy path', () => {
  it('validates the explicit folder (relative to root) and reads its metric', () => {
    writeRotatedRun(root, { steps: [10, 20], scores: [0.3, 0.7], keep: 'all' });
    const r = findCheckpoint({ root, policy: 'path', path: 'checkpoint-10' });
    expect(r.selected).toMatchObject({ path: join(root, 'checkpoint-10'), step: 10, metric: 0.3, reason: 'path: the folder given explicitly' });
  });

  it('accepts a non-step folder such as checkpoint-final, and refuses an invalid one', () => {
    writeCheckpoint(join(root, 'checkpoint-final'));
    expect(findCheckpoint({ root, policy: 'path', path: join(root, 'checkpoint-final') }).selected).toMatchObject({ step: null, kind: 'full' });
    mkdirSync(join(root, 'broken'));
    const r = findCheckpoint({ root, policy: 'path', path: 'broken' });
    expect(r.selected).toBeNull();
    expect(r.candidates[0].reason).toMatch(/^empty folder/);
  });
});

describe('layouts', () => {
  it('lists checkpoint-final and checkpoint-tmp as not step checkpoints and never chooses them', () => {
    writeCheckpoint(join(root, 'checkpoint-final'));
    writeCheckpoint(join(root, 'checkpoint-tmp'));
    writeCheckpoint(join(root, 'checkpoint-3'));
    const r = findCheckpoint({ root, policy: 'latest' });
    expect(r.selected?.step).toBe(3);
    const other = r.candidates.filter((c) => !c.valid);
    expect(names(other).sort()).toEqual(['checkpoint-final', 'checkpoint-tmp']);
    expect(other[0].reason).toMatch(/^not a step checkpoint/);
  });

  it('finds nested <run>_<timestamp>/checkpoints/checkpoint-N and a best_model/ folder with its step', () => {
    const run = join(root, 'kobart_20260101_120000');
    writeRotatedRun(join(run, 'checkpoints'), { steps: [10, 20, 30], scores: [0.2, 0.6, 0.5] });
    writeCheckpoint(join(run, 'best_model'), { state: { globalStep: 30 } });
    const r = findCheckpoint({ root, policy: 'best' });
    expect(names(r.candidates)).toEqual([`kobart_20260101_120000/best_model`, 'kobart_20260101_120000/checkpoints/checkpoint-20', 'kobart_20260101_120000/checkpoints/checkpoint-30']);
    expect(r.candidates[0]).toMatchObject({ step: 30, valid: true });
    expect(r.selected?.path).toBe(join(run, 'checkpoints', 'checkpoint-20'));
    // latest: a checkpoint-N folder beats a final-model folder at the same step
    expect(findCheckpoint({ root, policy: 'latest' }).selected?.path).toBe(join(run, 'checkpoints', 'checkpoint-30'));
  });

  it('takes a save_model output folder without trainer_state.json (step null) when nothing else exists', () => {
    writeCheckpoint(join(root, 'final'), { kind: 'sharded' });
    const r = findCheckpoint({ root, policy: 'best' });
    expect(r.selected).toMatchObject({ path: join(root, 'final'), step: null, kind: 'full' });
    expect(r.fallback).toMatch(/chose the latest/);
  });

  it('finds PEFT adapter checkpoints', () => {
    writeCheckpoint(join(root, 'checkpoint-4'), { kind: 'adapter', tokenizer: false });
    expect(findCheckpoint({ root, policy: 'latest' }).selected).toMatchObject({ step: 4, kind: 'adapter' });
  });

  it('follows symlinked checkpoint folders and symlinked run folders', () => {
    const store = tmpRoot('ckpt-store-');
    try {
      writeCheckpoint(join(store, 'ck'), { state: { globalStep: 60 } });
      writeCheckpoint(join(store, 'run', 'checkpoint-70'));
      writeCheckpoint(join(root, 'checkpoint-50'));
      symlinkSync(join(store, 'ck'), join(root, 'checkpoint-60'));
      symlinkSync(join(store, 'run'), join(root, 'linked-run'));
      const r = findCheckpoint({ root, policy: 'latest' });
      expect(names(r.candidates)).toEqual(['checkpoint-50', 'checkpoint-60', 'linked-run/checkpoint-70']);
      expect(r.candidates.every((c) => c.valid)).toBe(true);
      expect(r.selected?.path).toBe(join(root, 'linked-run', 'checkpoint-70'));
    } finally {
      rmSync(store, { recursive: true, force: true });
    }
  });

  it('does not loop on a symlink cycle', () => {
    writeCheckpoint(join(root, 'a', 'checkpoint-1'));
    symlinkSync(root, join(root, 'a', 'loop'));
    expect(names(findCheckpoint({ root, policy: 'latest' }).candidates)).toEqual(['a/checkpoint-1']);
  });

  it('skips base_model/ (the random base of a LoRA run), hidden folders and folders deeper than the bound', () => {
    writeCheckpoint(join(root, 'base_model'));
    writeCheckpoint(join(root, '.cache', 'checkpoint-1'));
    writeCheckpoint(join(root, 'a', 'b', 'c', 'd', 'checkpoint-2'));
    writeCheckpoint(join(root, 'a', 'b', 'c', 'checkpoint-3'));
    expect(names(findCheckpoint({ root, policy: 'latest' }).candidates)).toEqual(['a/b/c/checkpoint-3']);
  });

  it('reports a dangling symlink and a file named like a checkpoint as invalid, not as a crash', () => {
    writeCheckpoint(join(root, 'checkpoint-1'));
    symlinkSync(join(root, 'vanished'), join(root, 'checkpoint-2'));
    writeFileSync(join(root, 'checkpoint-3'), 'not a folder');
    const r = findCheckpoint({ root, policy: 'latest' });
    expect(r.selected?.step).toBe(1);
    expect(r.candidates.map((c) => [c.step, c.reason])).toEqual([
      [1, 'ok: full model (model.safetensors), tokenizer'],
      [2, 'folder does not exist (or is a broken symlink)'],
      [3, 'not a folder (a file is in its place)'],
    ]);
  });
});

describe('several runs in one output folder', () => {
  const setup = () => {
    // Two experiments share outputs/: folder names say nothing reliable, records do.
    const a1 = join(root, 'zzz-looks-newest');
    const a2 = join(root, 'exp-a-second');
    const b = join(root, 'exp-a-but-really-b');
    writeRunRecord(a1, { run_id: 'r-a1', experiment: 'a', config_hash: 'h1', status: 'completed', started_at: '2026-11-20T10:00:00Z' });
    writeRotatedRun(a1, { steps: [10, 20], scores: [0.5, 0.4], keep: 'all' });
    writeRunRecord(a2, { run_id: 'r-a2', experiment: 'a', config_hash: 'h1', status: 'completed', started_at: '2026-11-21T10:00:00Z' });
    writeRotatedRun(a2, { steps: [10, 20, 30], scores: [0.1, 0.3, 0.2], keep: 'all' });
    writeRunRecord(b, { run_id: 'r-b', experiment: 'b', config_hash: 'h2', status: 'completed', started_at: '2026-11-22T10:00:00Z' });
    writeRotatedRun(b, { steps: [100], scores: [0.9] });
    // A newer run of a that crashed: never chosen implicitly.
    const a3 = join(root, 'exp-a-crashed');
    writeRunRecord(a3, { run_id: 'r-a3', experiment: 'a', config_hash: 'h1', status: 'failed', started_at: '2026-11-23T10:00:00Z' });
    writeRotatedRun(a3, { steps: [10], scores: [0.99] });
    return { a1, a2, b, a3 };
  };

  it('chooses the newest completed run of the experiment by started_at, not by name or mtime', () => {
    const { a2 } = setup();
    const r = findCheckpoint({ root, policy: 'best', experiment: 'a' });
    expect(r.runDir).toBe(a2);
    expect(r.run?.run_id).toBe('r-a2');
    expect(names(r.candidates)).toEqual(['exp-a-second/checkpoint-10', 'exp-a-second/checkpoint-20', 'exp-a-second/checkpoint-30']);
    expect(r.selected?.step).toBe(20);
    expect(r.selected?.reason).toMatch(/; run r-a2 \(newest completed run with experiment a\)$/);
    expect(r.runs).toHaveLength(4);
  });

  it('chooses by config hash, and by run id (even a failed run, when named)', () => {
    const { b, a3, a1 } = setup();
    expect(findCheckpoint({ root, policy: 'latest', configHash: 'h2' }).runDir).toBe(b);
    expect(findCheckpoint({ root, policy: 'latest', runId: 'r-a3' }).runDir).toBe(a3);
    expect(findCheckpoint({ root, policy: 'best', runId: 'r-a1' }).selected?.path).toBe(join(a1, 'checkpoint-10'));
  });

  it('run id takes precedence over config hash and experiment', () => {
    const { a1 } = setup();
    expect(findCheckpoint({ root, policy: 'latest', runId: 'r-a1', configHash: 'h2', experiment: 'b' }).runDir).toBe(a1);
  });

  it('without a filter, uses the newest completed run of all', () => {
    const { b } = setup();
    expect(findCheckpoint({ root, policy: 'latest' }).runDir).toBe(b);
  });

  it('explains an unknown run id, listing the runs that exist', () => {
    setup();
    const r = findCheckpoint({ root, policy: 'best', runId: 'r-zzz' });
    expect(r.selected).toBeNull();
    expect(r.candidates).toEqual([]);
    const msg = formatNoCheckpointError(r, root);
    expect(msg).toMatch(/no run record with run_id r-zzz; runs found: .*r-a1 \(experiment a, completed/);
  });

  it('refuses to pick an unfinished run implicitly', () => {
    const a = join(root, 'only');
    writeRunRecord(a, { run_id: 'r1', experiment: 'x', config_hash: 'h', status: 'running', started_at: '2026-11-23T10:00:00Z' });
    writeCheckpoint(join(a, 'checkpoint-1'));
    const r = findCheckpoint({ root, policy: 'latest', experiment: 'x' });
    expect(r.selected).toBeNull();
    expect(r.note).toMatch(/no completed run with experiment x .*r1 .*running/);
  });

  it('without a filter and no completed run, shows the newest run and says it is unfinished', () => {
    const a = join(root, 'only');
    writeRunRecord(a, { run_id: 'r1', experiment: 'x', config_hash: 'h', status: 'running', started_at: '2026-11-23T10:00:00Z' });
    writeCheckpoint(join(a, 'checkpoint-1'));
    const r = findCheckpoint({ root: a, policy: 'latest' });
    expect(r.selected?.reason).toMatch(/; run r1 \(newest run; status running, no completed run here\)$/);
  });

  it('works when root is the run folder itself', () => {
    const { a2 } = setup();
    expect(findCheckpoint({ root: a2, policy: 'latest', runId: 'r-a2' }).selected?.path).toBe(join(a2, 'checkpoint-30'));
  });
});

describe('errors and listing', () => {
  it('lists every candidate and why when none is valid', () => {
    mkdirSync(join(root, 'checkpoint-1'));
    writeCheckpoint(join(root, 'checkpoint-2'), { tokenizer: false });
    const r = findCheckpoint({ root, policy: 'best' });
    expect(r.selected).toBeNull();
    expect(formatNoCheckpointError(r, root)).toBe(
      [
        `no valid checkpoint under ${root}; 2 candidate(s), none usable:`,
        '  checkpoint-1 (step 1): empty folder (a save that crashed or is still running?)',
        '  checkpoint-2 (step 2): no tokenizer (tokenizer.json, or tokenizer_config.json with a vocabulary file)',
      ].join('\n'),
    );
  });

  it('says when there is nothing at all', () => {
    const r = findCheckpoint({ root, policy: 'latest' });
    expect(formatNoCheckpointError(r, root)).toMatch(/^no checkpoint folders under /);
  });

  it('reports a root that does not exist in the result, not by throwing', () => {
    const r = findCheckpoint({ root: join(root, 'missing'), policy: 'best' });
    expect(r.selected).toBeNull();
    expect(formatNoCheckpointError(r, join(root, 'missing'))).toMatch(/the folder .*missing does not exist \(did the trainer write elsewhere\? check train\.output_dir\)/);
  });

  it('listCheckpoints validates every run', () => {
    writeRunRecord(join(root, 'r1'), { run_id: 'r1', experiment: 'a', config_hash: 'h', status: 'completed', started_at: '2026-01-01T00:00:00Z' });
    writeCheckpoint(join(root, 'r1', 'checkpoint-1'));
    writeRunRecord(join(root, 'r2'), { run_id: 'r2', experiment: 'b', config_hash: 'h', status: 'completed', started_at: '2026-01-02T00:00:00Z' });
    writeCheckpoint(join(root, 'r2', 'checkpoint-2'));
    mkdirSync(join(root, 'r2', 'checkpoint-3'));
    const l = listCheckpoints(root);
    expect(l.runs).toHaveLength(2);
    expect(l.candidates.map((c) => [c.step, c.valid])).toEqual([
      [1, true],
      [2, true],
      [3, false],
    ]);
  });

  it('ignores an unparseable trainer_state.json (no metric) rather than failing', () => {
    writeCheckpoint(join(root, 'checkpoint-1'));
    writeFileSync(join(root, 'checkpoint-1', 'trainer_state.json'), '{ torn');
    writeJson(join(root, 'checkpoint-1', 'extra.json'), {});
    const r = findCheckpoint({ root, policy: 'best' });
    expect(r.selected).toMatchObject({ step: 1, metric: null });
  });
});

describe("validate: 'needed'", () => {
  it('validates only down to the chosen checkpoint: a damaged older one is not even opened', () => {
    const { best } = writeRotatedRun(root, { steps: [10, 20, 30, 40, 50], scores: [0.1, 0.2, 0.5, 0.3, 0.4], keep: 'all' });
    expect(best).toBe(30);
    const old = join(root, 'checkpoint-10', 'model.safetensors');
    truncateSync(old, statSync(old).size - 4);
    const r = findAll({ root, policy: 'best', validate: 'needed' });
    expect(r.selected).toMatchObject({ step: 30, valid: true });
    const byStep = Object.fromEntries(r.candidates.map((c) => [c.step, c]));
    // 50 (newest state) and 30 (its best) were validated; 10, 20 and 40 were not needed.
    expect(byStep[50]).toMatchObject({ valid: true });
    expect(byStep[50].checked).toBeUndefined();
    for (const s of [10, 20, 40]) expect(byStep[s]).toMatchObject({ valid: false, checked: false, reason: NOT_CHECKED });
    expect(findAll({ root, policy: 'best' }).candidates.find((c) => c.step === 10)).toMatchObject({ valid: false, reason: expect.stringMatching(/truncated/) });
  });

  it('walks past invalid candidates in order of preference', () => {
    writeCheckpoint(join(root, 'checkpoint-20'));
    writeCheckpoint(join(root, 'checkpoint-25'));
    const f = join(writeCheckpoint(join(root, 'checkpoint-30')), 'model.safetensors');
    truncateSync(f, statSync(f).size - 4);
    const r = findAll({ root, policy: 'latest', validate: 'needed' });
    expect(r.selected?.step).toBe(25);
    expect(r.selected!.reason).toBe('latest: highest global step 25 among 3 checkpoint(s), 1 of them not validated (not needed)');
    const byStep = Object.fromEntries(r.candidates.map((c) => [c.step, c]));
    expect(byStep[30]).toMatchObject({ valid: false, reason: expect.stringMatching(/truncated/) });
    expect(byStep[20]).toMatchObject({ checked: false });
  });
});
