import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadExperiment } from '../core/config/load-experiment';
import { stampPath } from '../core/config/section-stamps';
import type { ResolvedExperiment } from '../core/config/types';
import { ARGS_HEREDOC, checkpointStatusCommand, experimentTargets, resolveOptions, stepCommand } from './target-definitions';

// What Nx is told about each experiment's targets: their cache inputs, order, outputs and commands.
// A wrong input here is a stale cache hit (or a needless retrain) that no error ever shows.

const REPO = join(__dirname, '..', '..', '..', '..');
let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'autoexp-targets-'));
  cpSync(join(REPO, 'config'), join(root, 'config'), { recursive: true });
  mkdirSync(join(root, 'experiments', 'demo'), { recursive: true });
  cpSync(join(REPO, 'experiments', 'demo', 'experiment.yaml'), join(root, 'experiments', 'demo', 'experiment.yaml'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const load = (extra = ''): ResolvedExperiment => {
  if (extra) writeFileSync(join(root, 'experiments', 'demo', 'experiment.yaml'), `${readFileSync(join(REPO, 'experiments', 'demo', 'experiment.yaml'), 'utf8')}\n${extra}`);
  return loadExperiment(root, 'demo');
};
const targetsOf = (exp: ResolvedExperiment | null, options = {}) => experimentTargets(root, exp, 'demo', resolveOptions(options));
const files = (inputs: unknown[]) => inputs.filter((i): i is string => typeof i === 'string');
const runtimes = (inputs: unknown[]) => inputs.flatMap((i) => (typeof i === 'object' && i && 'runtime' in i ? [(i as { runtime: string }).runtime] : []));

describe('experimentTargets', () => {
  it('train hashes the trainer, its own config section and train/dev data only', () => {
    const t = targetsOf(load()).train;
    expect(t.inputs).toContainEqual({ input: 'production', projects: 'trainer' });
    expect(files(t.inputs!)).toEqual(['{workspaceRoot}/data/sample/train.csv', '{workspaceRoot}/data/sample/dev.csv']);
    expect(runtimes(t.inputs!)).toEqual([expect.stringMatching(/^grep '\^train ' '?\.nx\/workspace-data\/autoexp\/demo\.hash'? /)]);
    expect(t.outputs).toEqual(['{workspaceRoot}/runs/{options.runName}/train']);
    expect(t.cache).toBe(true);
    expect(t.dependsOn).toBeUndefined();
  });

  it('infer follows train: the manifest, the checkpoint it names, its section and dev/test data', () => {
    const exp = load();
    const t = targetsOf(exp).infer;
    expect(t.dependsOn).toEqual(['train']);
    expect(t.inputs).toContainEqual({ input: 'production', projects: 'trainer' });
    expect(t.inputs).toContainEqual({ dependentTasksOutputFiles: '**/train/checkpoint.json', transitive: false });
    expect(files(t.inputs!)).toEqual(['{workspaceRoot}/data/sample/dev.csv', '{workspaceRoot}/data/sample/test.csv']);
    const [runtime] = runtimes(t.inputs!);
    // Run as Nx runs it: the infer section's stamp line, then the (absent) full-run manifest.
    const out = spawnSync('sh', ['-c', runtime], { cwd: root, encoding: 'utf8' }).stdout;
    expect(out).toBe(`infer ${exp.hashes.infer}\nruns/demo/train/checkpoint.json none\n`);
    expect(runtime).not.toContain('smoke'); // the smoke manifest must not invalidate the full infer
    expect(t.outputs).toEqual(['{workspaceRoot}/runs/{options.runName}/infer']);
  });

  it('submit follows infer: predictions, dev score, its section and the sample; not the trainer', () => {
    const t = targetsOf(load()).submit;
    expect(t.dependsOn).toEqual(['infer']);
    expect(t.inputs).not.toContainEqual({ input: 'production', projects: 'trainer' });
    expect(t.inputs).toEqual(expect.arrayContaining([
      { dependentTasksOutputFiles: '**/infer/predictions/*.csv', transitive: false },
      { dependentTasksOutputFiles: '**/infer/dev-score.json', transitive: false },
    ]));
    expect(files(t.inputs!)).toEqual(['{workspaceRoot}/data/sample/sample_submission.csv']);
    expect(runtimes(t.inputs!)).toEqual([expect.stringContaining("grep '^submit '")]);
    expect(t.outputs).toEqual(['{workspaceRoot}/runs/{options.runName}/submit']);
  });

  it('writes the section stamps each target reads, one line per section', () => {
    const exp = load();
    targetsOf(exp);
    expect(readFileSync(stampPath(root, 'demo'), 'utf8')).toBe(`train ${exp.hashes.train}\ninfer ${exp.hashes.infer}\nsubmit ${exp.hashes.submit}\n`);
  });

  it('the smoke configuration has its own run folder (own cache entries) and never updates latest', () => {
    const t = targetsOf(load());
    expect(t.train.configurations).toEqual({ smoke: { smoke: true, runName: 'demo/smoke' } });
    expect(t.infer.configurations).toEqual({ smoke: { smoke: true, runName: 'demo/smoke' } });
    expect(t.submit.configurations).toEqual({ smoke: { smoke: true, runName: 'demo/smoke', latest: false } });
    expect(t.train.options).toMatchObject({ experiment: 'demo', runName: 'demo', smoke: false });
  });

  it('data outside the workspace, or named like a glob, is stamped by a runtime input with single-quoted paths', () => {
    const outside = mkdtempSync(join(tmpdir(), "autoexp-data-o'q-"));
    try {
      const t = targetsOf(load(`data:\n  dir: ${JSON.stringify(outside)}\n  train: "train (1).csv"\n`)).train;
      expect(files(t.inputs!)).toEqual([]);
      const [stamp] = runtimes(t.inputs!).filter((r) => r.includes(' stamp '));
      expect(stamp.startsWith('node node_modules/@autoexp/nx-autoexp/bin/autoexp.js stamp ')).toBe(true);
      expect(stamp).toContain(`'${join(outside, 'train (1).csv').replace(/'/g, `'\\''`)}'`);
      const inside = targetsOf(load('data:\n  train: "train[1].csv"\n')).train;
      expect(files(inside.inputs!)).toEqual(['{workspaceRoot}/data/sample/dev.csv']);
      expect(runtimes(inside.inputs!).some((r) => r.includes('train[1].csv'))).toBe(true);
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });

  it('target names follow the plugin options; the executor runner uses the executors', () => {
    const t = targetsOf(load(), { trainTargetName: 'fit', inferTargetName: 'predict', submitTargetName: 'upload', stepRunner: 'executor' });
    expect(Object.keys(t)).toEqual(['fit', 'predict', 'upload']);
    expect(t.predict.dependsOn).toEqual(['fit']);
    expect(t.upload.dependsOn).toEqual(['predict']);
    expect(t.fit.executor).toBe('@autoexp/nx-autoexp:train');
    expect(t.upload.executor).toBe('@autoexp/nx-autoexp:submit');
    // The step gets the real names for its hints; default names add no option (task hashes unchanged).
    expect(t.fit.options).toMatchObject({ trainTarget: 'fit', inferTarget: 'predict', submitTarget: 'upload' });
    const cmd = targetsOf(load()).infer;
    expect(cmd.executor).toBe('nx:run-commands');
    expect(cmd.options.command).toBe(stepCommand('infer'));
    expect(Object.keys(cmd.options).sort()).toEqual(['command', 'experiment', 'runName', 'smoke']);
  });

  it('every target is cached, tagged as an autoexp target and described for nx show project / Nx Console', () => {
    const t = targetsOf(load());
    for (const [name, target] of Object.entries(t)) {
      expect([name, target.cache]).toEqual([name, true]);
      expect([name, target.metadata?.technologies]).toEqual([name, ['autoexp']]);
    }
    expect(t.train.metadata?.description).toMatch(/^Train demo: .*runs\/demo\/train\/checkpoint\.json/);
    expect(t.infer.metadata?.description).toMatch(/^Generate summaries .*runs\/demo\/infer\/predictions/);
    expect(t.submit.metadata?.description).toMatch(/^Validate test predictions against sample_submission\.csv/);
  });

  it('options default to train/infer/submit, the trainer project and the command runner', () => {
    expect(resolveOptions(undefined)).toEqual({ trainTargetName: 'train', inferTargetName: 'infer', submitTargetName: 'submit', trainerProject: 'trainer', stepRunner: 'command' });
    expect(resolveOptions({ trainerProject: 'py' })).toMatchObject({ trainerProject: 'py', trainTargetName: 'train', stepRunner: 'command' });
    expect(targetsOf(load(), { trainerProject: 'py' }).train.inputs).toContainEqual({ input: 'production', projects: 'py' });
  });

  it('an invalid config still gets targets, whose stamps carry the error (so fixing it re-runs them)', () => {
    const t = targetsOf(null);
    expect(Object.keys(t)).toEqual(['train', 'infer', 'submit']);
    expect(readFileSync(stampPath(root, 'demo'), 'utf8')).toBe('train invalid:undefined\ninfer invalid:undefined\nsubmit invalid:undefined\n');
  });
});

describe('stepCommand', () => {
  it('passes the forwarded options through a quoted here-document that sh does not expand', () => {
    const line = stepCommand('train').replace('{args}', '--strategy=$(touch pwned) `touch pwned2`');
    const r = spawnSync('sh', ['-c', line.replace(/^exec node \S+ step train --args-stdin/, 'cat')], { cwd: root, encoding: 'utf8' });
    expect(r.stdout).toBe('--strategy=$(touch pwned) `touch pwned2`\n');
    expect(spawnSync('ls', [root], { encoding: 'utf8' }).stdout).not.toMatch(/pwned/);
    expect(ARGS_HEREDOC).toMatch(/^[A-Z_]{8,}$/); // a word no option value is likely to be on a line of its own
    expect(stepCommand('submit')).toBe(`exec node node_modules/@autoexp/nx-autoexp/bin/autoexp.js step submit --args-stdin <<'${ARGS_HEREDOC}'\n{args}\n${ARGS_HEREDOC}`);
  });
});

describe('checkpointStatusCommand', () => {
  const status = (cmd: string) => spawnSync('sh', ['-c', cmd], { cwd: root, encoding: 'utf8' }).stdout;

  it('changes when the checkpoint the manifest names is deleted, or its weights change, also through a symlink', () => {
    const ckpt = join(root, 'outputs', 'store', 'checkpoint-20');
    mkdirSync(ckpt, { recursive: true });
    writeFileSync(join(ckpt, 'model.safetensors'), 'v1');
    symlinkSync(ckpt, join(root, 'outputs', 'store', 'best'));
    mkdirSync(join(root, 'runs', 'demo', 'train'), { recursive: true });
    writeFileSync(join(root, 'runs', 'demo', 'train', 'checkpoint.json'), JSON.stringify({ path: join(root, 'outputs', 'store', 'best'), step: 20 }, null, 2));
    const cmd = checkpointStatusCommand(['runs/demo/train/checkpoint.json']);

    const first = status(cmd);
    expect(first).toContain('model.safetensors');
    expect(status(cmd)).toBe(first); // stable while nothing changes
    writeFileSync(join(ckpt, 'model.safetensors'), 'version 2');
    const second = status(cmd);
    expect(second).not.toBe(first);
    rmSync(ckpt, { recursive: true });
    expect(status(cmd)).not.toBe(second);
    rmSync(join(root, 'runs'), { recursive: true });
    expect(status(cmd)).toBe('runs/demo/train/checkpoint.json none\n');
  });
});
