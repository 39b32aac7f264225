/**
 * Issue 3 acceptance, with real nx and the real trainer: the demo pipeline,
 * its caching rules, and a vanished checkpoint.
 */
import { parse } from 'csv-parse/sync';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { Workspace, taskCached, taskRan } from './workspace';

const index = (ws: Workspace) => parse(ws.read('prediction/experiment_index.csv'), { columns: true }) as Record<string, string>[];
const submissionDirs = (ws: Workspace) => ws.list('prediction').filter((d) => d.startsWith('demo_'));

describe('demo pipeline (npm run demo, caching, missing checkpoint)', () => {
  const ws = new Workspace('pipeline');

  it('1. `npm run demo` ends with a valid, recorded submission', () => {
    const r = ws.run('npm', ['run', 'demo']);
    expect(r.out).toContain('Successfully ran target submit for project exp-demo');
    expect(r.code).toBe(0);
    const dirs = submissionDirs(ws);
    expect(dirs).toHaveLength(1);
    const out = `prediction/${dirs[0]}/output.csv`;
    // The demo writes a summary per dialogue: its submission passes the degenerate checks without --allow-degenerate.
    const v = ws.autoexp('validate-submission', join(ws.root, out), '--sample', join(ws.root, 'data/sample/sample_submission.csv'));
    expect(v.code).toBe(0);
    expect(v.out).not.toMatch(/degenerate/);
    expect(ws.exists(`prediction/${dirs[0]}/experiment_metadata.json`)).toBe(true);
    expect(ws.read('prediction/latest_output.csv')).toBe(ws.read(out));
    expect(ws.list('prediction/history')).toEqual([`output_${dirs[0]}.csv`]);
    const rows = index(ws);
    expect(rows).toHaveLength(1);
    expect(rows[0].experiment).toBe('demo');
    expect(rows[0].project).toBe('exp-demo');
    expect(Number(rows[0].score)).toBeGreaterThan(0);
    // The demo prints where the submission is.
    expect(r.out).toContain(`${dirs[0]}/output.csv`);
  });

  it('1b. the dev score comes with the trivial baselines of the sample dev set; the demo beats every one of them', () => {
    const dev = JSON.parse(ws.read('runs/demo/infer/dev-score.json'));
    const names = dev.baselines.baselines.map((b: { name: string }) => b.name);
    expect(names.slice(0, 2)).toEqual(['constant', 'lead-1']);
    expect(dev.baselines.best_score).toBe(Math.max(...dev.baselines.baselines.map((b: { score: number }) => b.score)));
    expect(index(ws)[0]).toMatchObject({ metric: 'mean/mean/mecab', baselines: dev.baselines.key });
    // Issue 16: the demo's real run beats the constant skeleton, lead-1 and the best lead-k, as the
    // `baselines` command scores them on the same dev set (not a number copied from an earlier run).
    const b = ws.run(join(ws.root, '.venv/bin/python'), ['-m', 'autoexp_trainer', 'baselines', '--dev', 'data/sample/dev.csv', '--train', 'data/sample/train.csv', '--json']);
    expect(b.code).toBe(0);
    const computed = JSON.parse(b.out);
    expect(computed.baselines.map((x: { name: string }) => x.name)).toEqual(names);
    for (const base of computed.baselines) expect({ name: base.name, demo: dev.score > base.score }).toEqual({ name: base.name, demo: true });
    expect(dev.score).toBeGreaterThan(computed.best_score);
    const lb = ws.autoexp('leaderboard');
    for (const n of names) expect(lb.out).toContain(`[baseline] ${n}`);
    expect(lb.out).not.toContain('(below baseline)');
    expect(lb.out).toMatch(/^1 +demo +\d/m);
    expect(ws.autoexp('leaderboard', '--no-baselines').out).not.toContain('[baseline]');
  });

  it('2. a second run is three cache hits and writes no new submission', () => {
    const r = ws.nx('run', 'exp-demo:submit');
    expect(r.code).toBe(0);
    for (const t of ['exp-demo:train', 'exp-demo:infer', 'exp-demo:submit']) expect(taskCached(r.out, t)).toBe(true);
    expect(submissionDirs(ws)).toHaveLength(1);
  });

  it('plan: an unchanged experiment forecasts three cache hits', () => {
    const r = ws.autoexp('plan', 'demo');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/train +cache hit/);
    expect(r.out).toMatch(/infer +cache hit/);
    expect(r.out).toMatch(/infer\.num_beams +2 +<- experiments\/demo\/experiment\.yaml:\d+/);
  });

  it('4. infer that yields byte-identical predictions leaves submit a cache hit', () => {
    const before = ws.read('runs/demo/infer/predictions/test.csv');
    ws.edit('experiments/demo/experiment.yaml', (t) => t.replace('infer:\n', 'infer:\n  timeout_s: 3599\n'));
    const r = ws.nx('run', 'exp-demo:submit');
    expect(r.code).toBe(0);
    expect(taskCached(r.out, 'exp-demo:train')).toBe(true);
    expect(taskRan(r.out, 'exp-demo:infer')).toBe(true);
    expect(ws.read('runs/demo/infer/predictions/test.csv')).toBe(before);
    expect(taskCached(r.out, 'exp-demo:submit')).toBe(true);
    expect(submissionDirs(ws)).toHaveLength(1);
  });

  it('3. changing only num_beams re-runs infer and submit, not train', () => {
    ws.edit('experiments/demo/experiment.yaml', (t) => t.replace('num_beams: 2', 'num_beams: 1'));
    const plan = ws.autoexp('plan', 'demo');
    expect(plan.out).toMatch(/train +cache hit/);
    expect(plan.out).toMatch(/infer +will run +infer config changed/);
    const r = ws.nx('run', 'exp-demo:submit');
    expect(r.code).toBe(0);
    expect(taskCached(r.out, 'exp-demo:train')).toBe(true);
    expect(taskRan(r.out, 'exp-demo:infer')).toBe(true);
    expect(taskRan(r.out, 'exp-demo:submit')).toBe(true);
    expect(index(ws)).toHaveLength(2);
  });

  it('smoke: -c smoke has its own cache and a marked index row, and leaves latest_output alone', () => {
    const latest = ws.read('prediction/latest_output.csv');
    const r = ws.nx('run', 'exp-demo:submit', '-c', 'smoke');
    expect(r.code).toBe(0);
    expect(taskRan(r.out, 'exp-demo:train:smoke')).toBe(true);
    const rows = index(ws);
    expect(rows).toHaveLength(3);
    expect(rows[2].smoke).toBe('true');
    expect(rows.slice(0, 2).map((x) => x.smoke)).toEqual(['false', 'false']);
    expect(ws.read('prediction/latest_output.csv')).toBe(latest);
    // The full run's cache entries are untouched by the smoke run.
    const full = ws.nx('run', 'exp-demo:submit');
    for (const t of ['exp-demo:train', 'exp-demo:infer', 'exp-demo:submit']) expect(taskCached(full.out, t)).toBe(true);
    // The leaderboard ranks real runs only, unless asked.
    expect(ws.autoexp('leaderboard', '--json').out).not.toContain('"smoke": true');
  });

  it('7. a deleted checkpoint after a cached train: its predictions stay cache hits; an infer that must run fails with the retrain command', () => {
    const manifest = JSON.parse(ws.read('runs/demo/train/checkpoint.json'));
    rmSync(join(ws.root, manifest.path), { recursive: true, force: true });
    // Nothing changed: the predictions made from that checkpoint are still the right ones.
    const same = ws.nx('run', 'exp-demo:submit');
    expect(same.code).toBe(0);
    for (const t of ['exp-demo:train', 'exp-demo:infer', 'exp-demo:submit']) expect(taskCached(same.out, t)).toBe(true);
    expect(ws.autoexp('plan', 'demo').out).toMatch(/infer +cache hit +infer config unchanged.* the checkpoint .* is gone: a change to infer will need a retrain/);
    // An infer edit needs the weights (a value never run before: no cached infer to restore).
    ws.edit('experiments/demo/experiment.yaml', (t) => t.replace('num_beams: 1', 'num_beams: 3'));
    const plan = ws.autoexp('plan', 'demo');
    expect(plan.out).toMatch(/infer +will run +infer config changed since the last inference, but the checkpoint .* is gone/);
    const r = ws.nx('run', 'exp-demo:submit');
    expect(r.code).not.toBe(0);
    expect(taskCached(r.out, 'exp-demo:train')).toBe(true);
    expect(r.out).toMatch(/checkpoint/i);
    expect(r.out).toContain(manifest.path);
    expect(r.out).toMatch(/no longer exists|gone|missing|does not exist/i);
    expect(r.out).toContain('npx nx run exp-demo:train --skip-nx-cache');
    expect(index(ws)).toHaveLength(3);
  });
});
