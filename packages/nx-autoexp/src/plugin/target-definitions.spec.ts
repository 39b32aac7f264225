import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadExperiment } from '../core/config/load-experiment';
import { writeManifest } from '../core/checkpoints/manifest';
import type { ResolvedExperiment } from '../core/config/types';
import { stepInputs } from './step-inputs';
import { ARGS_HEREDOC, HASH_INPUT_BIN, checkpointInputCommand, experimentTargets, resolveOptions, stepCommand } from './target-definitions';

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
const SHARED = { train: [{ input: 'trainerTraining', projects: 'trainer' }], infer: [{ input: 'trainerPrediction', projects: 'trainer' }], submit: [{ input: 'submissionCode', projects: 'p' }] };
const HASHES = { train: 'ht', infer: 'hi', submit: 'hs' };
const targetsOf = (exp: ResolvedExperiment | null, options = {}) => experimentTargets(root, exp, 'demo', resolveOptions(options), SHARED, exp?.hashes ?? HASHES);
/** A runtime input run as Nx runs it: from the workspace root, the package's bin where the workspace's node_modules has it. */
const runInput = (cmd: string) => {
  mkdirSync(join(root, 'node_modules', '.bin'), { recursive: true });
  if (!existsSync(join(root, HASH_INPUT_BIN))) symlinkSync(join(REPO, 'packages', 'nx-autoexp', 'bin', 'hash-input.sh'), join(root, HASH_INPUT_BIN));
  return spawnSync('sh', ['-c', cmd], { cwd: root, encoding: 'utf8' }).stdout;
};
const files = (inputs: unknown[]) => inputs.filter((i): i is string => typeof i === 'string');
const runtimes = (inputs: unknown[]) => inputs.flatMap((i) => (typeof i === 'object' && i && 'runtime' in i ? [(i as { runtime: string }).runtime] : []));
/** The external nodes a target hashes beyond the shared packages: its config section's (plugin/config-nodes.ts). */
const configNodesOf = (inputs: unknown[]) => inputs.flatMap((i) => (typeof i === 'object' && i && 'externalDependencies' in i ? (i as { externalDependencies: string[] }).externalDependencies : []));

describe('experimentTargets', () => {
  it('train hashes the shared train inputs, its own config section and train/dev data only', () => {
    const exp = load();
    const t = targetsOf(exp).train;
    expect(t.inputs![0]).toEqual({ input: 'trainerTraining', projects: 'trainer' });
    expect(files(t.inputs!)).toEqual(['{workspaceRoot}/data/sample/train.csv', '{workspaceRoot}/data/sample/dev.csv']);
    // Its section through the graph, not a process per hash: no runtime input.
    expect(runtimes(t.inputs!)).toEqual([]);
    expect(configNodesOf(t.inputs!)).toEqual(['autoexp-config:demo:train']);
    expect(t.metadata?.configHash).toBe(exp.hashes.train);
    expect(t.outputs).toEqual(['{workspaceRoot}/runs/{options.runName}/train']);
    expect(t.cache).toBe(true);
    expect(t.dependsOn).toBeUndefined();
  });

  it('infer follows train: the manifest, its section and dev/test data; no process per hash for a checkpoint train picked', () => {
    const exp = load();
    expect(exp.config.checkpoint.policy).not.toBe('path');
    const t = targetsOf(exp).infer;
    expect(t.dependsOn).toEqual(['train']);
    expect(t.inputs![0]).toEqual({ input: 'trainerPrediction', projects: 'trainer' });
    expect(t.inputs).toContainEqual({ dependentTasksOutputFiles: '**/train/checkpoint.json', transitive: false });
    expect(files(t.inputs!)).toEqual(['{workspaceRoot}/data/sample/dev.csv', '{workspaceRoot}/data/sample/test.csv']);
    expect(configNodesOf(t.inputs!)).toEqual(['autoexp-config:demo:infer']);
    expect(t.metadata?.configHash).toBe(exp.hashes.infer);
    // The manifest names the run folder's checkpoint exactly: nothing on disk to list at hash time.
    expect(runtimes(t.inputs!)).toEqual([]);
    expect(t.outputs).toEqual(['{workspaceRoot}/runs/{options.runName}/infer']);
  });

  it('infer under checkpoint.policy: path also hashes the folder on disk (the user may repoint or replace it)', () => {
    const exp = load('checkpoint:\n  policy: path\n  path: outputs/store/best');
    const t = targetsOf(exp).infer;
    const [runtime, ...more] = runtimes(t.inputs!);
    expect(more).toEqual([]);
    // Run as Nx runs it: the (absent) full-run manifest; no JSON read by the shell.
    expect(runInput(runtime)).toBe('runs/demo/train/checkpoint.json none\n');
    expect(runtime).toBe(`sh ${HASH_INPUT_BIN} 'runs/demo/train/checkpoint.json'`);
    expect(runtime).not.toContain('smoke'); // the smoke manifest must not invalidate the full infer
  });

  it('submit follows infer: predictions, dev score, its section, the sample and the submission code; not the trainer', () => {
    const exp = load();
    const t = targetsOf(exp).submit;
    expect(t.dependsOn).toEqual(['infer']);
    expect(t.inputs![0]).toEqual({ input: 'submissionCode', projects: 'p' });
    expect(JSON.stringify(t.inputs)).not.toContain('trainer');
    expect(t.inputs).toEqual(expect.arrayContaining([
      { dependentTasksOutputFiles: '**/infer/predictions/*.csv', transitive: false },
      { dependentTasksOutputFiles: '**/infer/dev-score.json', transitive: false },
    ]));
    expect(files(t.inputs!)).toEqual(['{workspaceRoot}/data/sample/sample_submission.csv']);
    expect(runtimes(t.inputs!)).toEqual([]);
    expect(configNodesOf(t.inputs!)).toEqual(['autoexp-config:demo:submit']);
    expect(t.metadata?.configHash).toBe(exp.hashes.submit);
    expect(t.outputs).toEqual(['{workspaceRoot}/runs/{options.runName}/submit']);
  });

  it('building targets writes nothing', () => {
    targetsOf(load());
    expect(existsSync(join(root, '.nx'))).toBe(false);
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
      const [stampCmd] = runtimes(t.inputs!).filter((r) => r.includes(' stamp '));
      expect(stampCmd.startsWith('node node_modules/.bin/autoexp stamp ')).toBe(true);
      expect(stampCmd).toContain(`'${join(outside, 'train (1).csv').replace(/'/g, `'\\''`)}'`);
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

  it('every target is cached, tagged as an autoexp target, described and helped for nx show project / Nx Console', () => {
    const t = targetsOf(load());
    for (const [name, target] of Object.entries(t)) {
      expect([name, target.cache]).toEqual([name, true]);
      expect([name, target.metadata?.technologies]).toEqual([name, ['autoexp']]);
      expect([name, target.metadata?.help?.command]).toEqual([name, `npx autoexp step ${name} --help`]);
    }
    expect(t.train.metadata?.help?.example).toEqual({ options: { fresh: true } });
    expect(t.infer.metadata?.help?.example).toEqual({ options: { strategy: 'fast' } });
    expect(t.submit.metadata?.help?.example).toEqual({ args: ['--configuration=smoke', '--latest'] });
    expect(t.train.metadata?.description).toMatch(/^Train demo: .*runs\/demo\/train\/checkpoint\.json/);
    expect(t.infer.metadata?.description).toMatch(/^Generate summaries .*runs\/demo\/infer\/predictions/);
    expect(t.submit.metadata?.description).toMatch(/^Validate test predictions against sample_submission\.csv/);
  });

  it('options default to train/infer/submit, the trainer project and the command runner', () => {
    expect(resolveOptions(undefined)).toEqual({ trainTargetName: 'train', inferTargetName: 'infer', submitTargetName: 'submit', trainerProject: 'trainer', stepRunner: 'command' });
    expect(resolveOptions({ trainerProject: 'py' })).toMatchObject({ trainerProject: 'py', trainTargetName: 'train', stepRunner: 'command' });
    // The trainer's named inputs are evaluated in the configured trainer project; without them in nx.json, its production files.
    expect(stepInputs(root, { namedInputs: { trainerTraining: ['x'] } }, 'py').train[0]).toEqual({ input: 'trainerTraining', projects: 'py' });
    expect(stepInputs(root, {}, 'py').infer[0]).toEqual({ input: 'production', projects: 'py' });
  });

  it('an invalid config still gets its three targets, with the shared inputs and no data inputs', () => {
    const t = targetsOf(null);
    expect(Object.keys(t)).toEqual(['train', 'infer', 'submit']);
    expect(files(t.train.inputs!)).toEqual([]);
    expect(t.train.inputs![0]).toEqual(SHARED.train[0]);
  });
});

describe('stepCommand', () => {
  it('passes the forwarded options through a quoted here-document that sh does not expand', () => {
    const line = stepCommand('train').replace('{args}', '--strategy=$(touch pwned) `touch pwned2`');
    const r = spawnSync('sh', ['-c', line.replace(/^exec autoexp step train --args-stdin/, 'cat')], { cwd: root, encoding: 'utf8' });
    expect(r.stdout).toBe('--strategy=$(touch pwned) `touch pwned2`\n');
    expect(spawnSync('ls', [root], { encoding: 'utf8' }).stdout).not.toMatch(/pwned/);
    expect(ARGS_HEREDOC).toMatch(/^[A-Z_]{8,}$/); // a word no option value is likely to be on a line of its own
    // Plain `autoexp`: run-commands puts node_modules/.bin (the package's bin) on PATH.
    expect(stepCommand('submit')).toBe(`exec autoexp step submit --args-stdin <<'${ARGS_HEREDOC}'\n{args}\n${ARGS_HEREDOC}`);
  });
});

describe('checkpointInputCommand (bin/hash-input.sh)', () => {
  it('prints the manifest and the listing of the checkpoint it names: changes when that checkpoint is deleted or its weights change, also through a symlink', () => {
    const ckpt = join(root, 'outputs', 'store', 'checkpoint-20');
    mkdirSync(ckpt, { recursive: true });
    writeFileSync(join(ckpt, 'model.safetensors'), 'v1');
    symlinkSync(ckpt, join(root, 'outputs', 'store', 'best'));
    mkdirSync(join(root, 'runs', 'demo', 'train'), { recursive: true });
    const manifest = { version: 1 as const, experiment: 'demo', path: 'outputs/store/best', step: 20, kind: 'full' as const, policy: 'best' as const, reason: 'test', metric: null, fingerprint: 'sha256:x', run_id: null, config_hash: null };
    writeManifest(join(root, 'runs', 'demo', 'train', 'checkpoint.json'), manifest);
    const cmd = checkpointInputCommand('runs/demo/train/checkpoint.json');

    const first = runInput(cmd);
    expect(first.startsWith('{\n')).toBe(true);
    expect(first).toContain('checkpoint outputs/store/best\n');
    expect(first).toContain('model.safetensors');
    expect(runInput(cmd)).toBe(first); // stable while nothing changes
    writeFileSync(join(ckpt, 'model.safetensors'), 'version 2');
    const second = runInput(cmd);
    expect(second).not.toBe(first);
    rmSync(ckpt, { recursive: true });
    expect(runInput(cmd)).not.toBe(second);
    rmSync(join(root, 'runs'), { recursive: true });
    expect(runInput(cmd)).toBe('runs/demo/train/checkpoint.json none\n');
  });
});
