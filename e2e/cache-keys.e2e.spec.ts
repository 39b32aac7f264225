/**
 * Issue 17: each target's cache key holds what changes its output and nothing
 * else (docs/architecture.md "What re-runs what"), with real nx on stand-in
 * trainer/predictor commands (seconds, not a training).
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { addExperiment, standInYaml } from './faults/support';
import { Workspace, taskCached, taskRan } from './workspace';

/** A workspace with one stand-in experiment, committed (affected and inputs follow git). */
function workspaceWith(label: string, experiment: string): Workspace {
  const ws = new Workspace(label);
  addExperiment(ws, experiment, standInYaml());
  ws.git('add', '-A');
  ws.git('-c', 'user.email=e2e@autoexp', '-c', 'user.name=e2e', 'commit', '-qm', experiment);
  return ws;
}

/** Runs exp-<experiment>:submit; which of train/infer/submit ran (the rest must be cache hits). */
function stagesRun(ws: Workspace, experiment: string, env: NodeJS.ProcessEnv = {}): string[] {
  const tasks = ['train', 'infer', 'submit'].map((s) => `exp-${experiment}:${s}`);
  const r = ws.run(join(ws.root, 'node_modules', '.bin', 'nx'), ['run', `exp-${experiment}:submit`], env);
  expect(r.code).toBe(0);
  for (const t of tasks) expect([t, taskRan(r.out, t) || taskCached(r.out, t)]).toEqual([t, true]);
  return tasks.filter((t) => taskRan(r.out, t)).map((t) => t.split(':')[1]);
}

const inputs = (ws: Workspace, task: string) => {
  const r = ws.nx('show', 'target', 'inputs', task, '--json');
  expect(r.code).toBe(0);
  return JSON.parse(r.out.slice(r.out.indexOf('{'), r.out.lastIndexOf('}') + 1)) as { files: string[]; external?: string[]; runtime?: string[] };
};

describe('cache keys', () => {
  const ws = workspaceWith('cache-keys', 'k');
  const submit = () => stagesRun(ws, 'k');
  const appendComment = (rel: string, comment: string) => ws.edit(rel, (t) => `${t}\n${comment}\n`);

  it('what the done-when names: submit hashes the submission code; train neither the trainer README nor predict-only code, and no AllExternalDependencies', () => {
    const submitInputs = inputs(ws, 'exp-k:submit');
    expect(submitInputs.files).toContain('packages/nx-autoexp/src/core/submission/validate-submission.ts');
    expect(submitInputs.files.filter((f) => f.startsWith('packages/trainer/'))).toEqual([]);
    const train = inputs(ws, 'exp-k:train');
    expect(train.files).toContain('packages/trainer/autoexp_trainer/training.py');
    expect(train.files).toContain('tools/python-constraints.txt');
    expect(train.files).not.toContain('packages/trainer/README.md');
    expect(train.files).not.toContain('packages/trainer/autoexp_trainer/commands/predict.py');
    expect(train.files.filter((f) => f.startsWith('packages/nx-autoexp/'))).toEqual([]);
    expect(train.external).toContain('npm:execa');
    expect(train.external).not.toContain('AllExternalDependencies');
    expect(train.external).not.toContain('npm:csv-parse'); // only the submit/infer steps read CSVs
    expect(inputs(ws, 'exp-k:infer').files).toContain('packages/trainer/autoexp_trainer/commands/predict.py');
  });

  it('the first run runs all three; unchanged, all three are cache hits', () => {
    expect(submit()).toEqual(['train', 'infer', 'submit']);
    expect(submit()).toEqual([]);
  });

  it("an edit to the trainer's README is a cache hit everywhere", () => {
    appendComment('packages/trainer/README.md', 'A new paragraph.');
    expect(submit()).toEqual([]);
  });

  it('an edit to the submission validation code re-runs submit only', () => {
    appendComment('packages/nx-autoexp/src/core/submission/validate-submission.ts', '// reviewed');
    expect(submit()).toEqual(['submit']);
  });

  it('an edit to predict-only trainer code re-runs infer, not train (same predictions: submit stays a hit)', () => {
    appendComment('packages/trainer/autoexp_trainer/commands/predict.py', '# reviewed');
    expect(submit()).toEqual(['infer']);
  });

  it('an edit to the training code re-runs train, and what follows from its new checkpoint', () => {
    appendComment('packages/trainer/autoexp_trainer/training.py', '# reviewed');
    expect(submit()).toEqual(expect.arrayContaining(['train', 'infer']));
  });
});

/**
 * The same keys through the Nx daemon, which updates its graph from file events
 * and takes new external nodes (each config section's hash,
 * plugin/config-nodes.ts) only from a graph whose project configurations
 * changed: pinned here so an Nx that keeps stale ones fails loudly.
 */
describe('cache keys with the Nx daemon', () => {
  const ws = workspaceWith('cache-keys-daemon', 'd');
  const nxBin = join(ws.root, 'node_modules', '.bin', 'nx');
  // The daemon does not start under CI=true.
  const env = { NX_DAEMON: 'true', CI: undefined };
  const submit = () => stagesRun(ws, 'd', env);
  afterAll(() => ws.run(nxBin, ['daemon', '--stop'], env));

  it('an infer-only edit re-runs infer only, a comment nothing, a train edit train and what follows', () => {
    expect(submit()).toEqual(['train', 'infer', 'submit']);
    expect(ws.run(nxBin, ['daemon'], env).out).toMatch(/Daemon is currently running/i);
    expect(submit()).toEqual([]);
    ws.edit('experiments/d/experiment.yaml', (t) => t.replace('timeout_s: 60', 'timeout_s: 61'));
    expect(submit()).toEqual(['infer']); // the same predictions: submit stays a hit
    ws.edit('experiments/d/experiment.yaml', (t) => `${t}\n# tried a longer timeout\n`);
    expect(submit()).toEqual([]);
    ws.edit('experiments/d/experiment.yaml', (t) => t.replace('train:\n', 'train:\n  learning_rate: 0.002\n'));
    expect(submit()).toEqual(expect.arrayContaining(['train', 'infer']));
  });
});

describe('a deleted checkpoint and the retrain hint', () => {
  const ws = workspaceWith('cache-keys-retrain', 'r');

  it('after the hinted retrain, infer uses the new run: Nx stored nothing under --skip-nx-cache and restores the old manifest', () => {
    expect(stagesRun(ws, 'r')).toEqual(['train', 'infer', 'submit']);
    const old = JSON.parse(ws.read('runs/r/train/checkpoint.json')) as { path: string; run_id: string };
    rmSync(join(ws.root, old.path), { recursive: true, force: true });
    // Unchanged, the predictions made from it stay valid; an infer edit needs the weights.
    expect(stagesRun(ws, 'r')).toEqual([]);
    ws.edit('experiments/r/experiment.yaml', (t) => t.replace('timeout_s: 60', 'timeout_s: 61'));
    const failed = ws.nx('run', 'exp-r:submit');
    expect(failed.code).not.toBe(0);
    const hint = 'npx nx run exp-r:train --skip-nx-cache';
    expect(failed.out).toContain(`retrain with: ${hint}`);
    expect(ws.run(join(ws.root, 'node_modules', '.bin', 'nx'), hint.split(' ').slice(2)).code).toBe(0);
    const r = ws.nx('run', 'exp-r:submit');
    expect(r.code).toBe(0);
    expect(taskCached(r.out, 'exp-r:train')).toBe(true);
    expect(JSON.parse(ws.read('runs/r/train/checkpoint.json')).path).toBe(old.path); // what the cache hit restored
    const used = JSON.parse(ws.read('runs/r/infer/checkpoint.json')) as { path: string; run_id: string };
    expect(used.run_id).not.toBe(old.run_id);
    expect(ws.exists(used.path)).toBe(true);
    expect(r.out).toContain(`using ${used.path}`);
    expect(JSON.parse(ws.read('runs/r/infer/infer-record.json')).checkpoint.path).toBe(used.path);
    expect(stagesRun(ws, 'r')).toEqual([]);
    // gc keeps the checkpoint infer used.
    const gcLine = ws.autoexp('gc').out.split('\n').find((l) => l.includes(used.path));
    expect(gcLine).toMatch(/^\s*keep\s.*manifest runs\/r\/infer\/checkpoint\.json/);
  });
});
