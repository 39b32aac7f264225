// Settings that pass the schema but cannot work together, and a broken extends line: each is refused
// with the file and line that spell the key out (a parent's, when the parent sets it), the key and a fix.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from './config-error';
import { loadExperiment, sectionHashes } from './load-experiment';

let root: string;
beforeEach(() => (root = mkdtempSync(join(tmpdir(), 'autoexp-semantics-'))));
afterEach(() => rmSync(root, { recursive: true, force: true }));

function write(rel: string, text: string): void {
  mkdirSync(join(root, rel, '..'), { recursive: true });
  writeFileSync(join(root, rel), text);
}
function configError(yaml: string, files: Record<string, string> = {}): ConfigError {
  for (const [rel, text] of Object.entries(files)) write(rel, text);
  write('experiments/a/experiment.yaml', yaml);
  try {
    loadExperiment(root, 'a');
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('expected a ConfigError');
}
const MODEL = 'model:\n  type: seq2seq\n  init: random\n  architecture: bart\n';

describe('loadExperiment: settings that cannot work together', () => {
  it.each([
    ['model:\n  type: seq2seq\n  init: random\n', 'model.architecture', 'model.init is random but model.architecture is not set', 'set model.architecture to an HF model_type'],
    ['model:\n  type: seq2seq\n  init: pretrained\n', 'model.name_or_path', 'model.init is pretrained but model.name_or_path is not set', 'set model.name_or_path to a hub id'],
    [`${MODEL}  quantization: 4bit\n`, 'model.quantization', '4-bit quantization (QLoRA) needs model.lora', 'add a model.lora section'],
    [`${MODEL}checkpoint:\n  policy: path\n`, 'checkpoint.path', 'checkpoint.policy is path but checkpoint.path is not set', 'set checkpoint.path to the checkpoint folder'],
  ])('%j: refused naming %s', (yaml, key, problem, hint) => {
    const err = configError(yaml);
    expect([err.file, err.key, err.problem]).toEqual(['experiments/a/experiment.yaml', key, problem]);
    expect(err.hint).toContain(hint);
  });

  it('a file with no model section (only tags): a config error naming model, not a crash', () => {
    const err = configError('tags: [x]\n');
    expect([err.file, err.key]).toEqual(['experiments/a/experiment.yaml', 'model']);
    expect(err.problem).toContain('no model section');
    expect(err.hint).toContain('add a model section');
  });

  it('blames the parent that sets the key, at its line', () => {
    const err = configError('extends: ../p/experiment.yaml\ndescription: child\n', { 'experiments/p/experiment.yaml': `${MODEL}  quantization: 4bit\n` });
    expect([err.file, err.line, err.key]).toEqual(['experiments/p/experiment.yaml', 5, 'model.quantization']);
  });

  it('a random model with its architecture, or a path policy with its path, loads', () => {
    write('experiments/a/experiment.yaml', `${MODEL}checkpoint:\n  policy: path\n  path: outputs/x/checkpoint-5\n`);
    expect(loadExperiment(root, 'a').config.checkpoint.path).toBe('outputs/x/checkpoint-5');
  });
});

describe('loadExperiment: the extends line', () => {
  it('not a string: names the key and its line', () => {
    const err = configError(`${MODEL}extends: 3\n`);
    expect([err.file, err.line, err.key, err.problem]).toEqual(['experiments/a/experiment.yaml', 5, 'extends', 'wrong type: expected a path string']);
  });

  it('a missing parent: the path as written and how to write one', () => {
    const err = configError(`extends: ../nope.yaml\n${MODEL}`);
    expect([err.line, err.key, err.problem]).toEqual([1, 'extends', 'extends a file that does not exist: ../nope.yaml']);
    expect(err.hint).toBe('give a path relative to this file, e.g. ../demo/experiment.yaml');
  });

  it('an absolute path to the parent works like a relative one', () => {
    write('shared/parent.yaml', `${MODEL}train:\n  seed: 99\n`);
    write('experiments/a/experiment.yaml', `extends: ${join(root, 'shared/parent.yaml')}\n`);
    const exp = loadExperiment(root, 'a');
    expect(exp.config.train.seed).toBe(99);
    expect(exp.sources).toContain('shared/parent.yaml');
  });
});

describe('sectionHashes: train.gpus', () => {
  it('one device trains as with no gpus key (same cache key); several devices (DDP) retrain', () => {
    write('experiments/a/experiment.yaml', MODEL);
    const c = loadExperiment(root, 'a').config;
    const withGpus = (gpus: number | undefined) => sectionHashes({ ...c, train: { ...c.train, gpus } as typeof c.train }).train;
    expect(withGpus(1)).toBe(withGpus(undefined));
    expect(withGpus(2)).not.toBe(withGpus(1));
    expect(withGpus(4)).not.toBe(withGpus(2));
  });
});
