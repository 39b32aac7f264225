import { tempWorkspace } from '../../../tests/support/temp-workspace';
import { ConfigError, ConfigErrors } from './config-error';
import { loadExperiment, loadExperimentFolder } from './load-experiment';

const workspace = (files: Record<string, string>) => tempWorkspace('autoexp-sweep', files);
const MODEL = 'model:\n  type: seq2seq\n  init: random\n  architecture: bart\n';
const SWEEP = MODEL + 'sweep:\n  grid:\n    train.learning_rate: [0.003, 0.001]\n    train.seed: [1, 2]\n';
function errorOf(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    return (err instanceof ConfigErrors ? err.errors[0] : err) as ConfigError;
  }
  throw new Error('expected an error');
}

describe('loading a sweep', () => {
  const root = workspace({ 'config/base.yaml': 'train:\n  learning_rate: 0.0001\ninfer:\n  num_beams: 4\n', 'experiments/lr/experiment.yaml': SWEEP, 'experiments/plain/experiment.yaml': MODEL });

  it('yields one resolved experiment per variant, the overrides on top of the merged config', () => {
    const all = loadExperimentFolder(root, 'lr');
    expect(all.map((e) => e.project)).toEqual(['exp-lr--learning_rate-0.003-seed-1', 'exp-lr--learning_rate-0.003-seed-2', 'exp-lr--learning_rate-0.001-seed-1', 'exp-lr--learning_rate-0.001-seed-2']);
    const v = loadExperiment(root, 'lr--learning_rate-0.001-seed-2');
    expect(v.config.train.learning_rate).toBe(0.001);
    expect(v.config.train.seed).toBe(2);
    expect(v.config.infer.num_beams).toBe(4); // from base
    expect(v.outputDir).toBe('outputs/lr--learning_rate-0.001-seed-2');
    expect(v.file).toBe('experiments/lr/experiment.yaml');
    expect(v.sweep).toEqual({ sweep: 'lr', variant: 'learning_rate-0.001-seed-2', overrides: { 'train.learning_rate': 0.001, 'train.seed': 2 }, group: 'lr--learning_rate-0.001' });
    expect((v.config as unknown as Record<string, unknown>).sweep).toBeUndefined();
  });

  it('each variant has its own train key; sections no variant changes hash alike', () => {
    const all = loadExperimentFolder(root, 'lr');
    expect(new Set(all.map((e) => e.hashes.train)).size).toBe(4);
    expect(new Set(all.map((e) => e.hashes.infer)).size).toBe(1);
  });

  it('the sweep file is no experiment itself: the error names its variants and how to run them', () => {
    const e = errorOf(() => loadExperiment(root, 'lr'));
    expect(e.file).toBe('experiments/lr/experiment.yaml');
    expect(e.message).toMatch(/holds a sweep of 4 variants/);
    expect(e.message).toMatch(/--projects=tag:sweep:lr/);
  });

  it('an unknown variant, or a variant of a plain experiment, is an error naming what exists', () => {
    expect(errorOf(() => loadExperiment(root, 'lr--nope')).message).toMatch(/no variant 'nope'.*learning_rate-0\.003-seed-1/s);
    expect(errorOf(() => loadExperiment(root, 'plain--x')).message).toMatch(/no sweep in this file/);
  });

  it('a value of the wrong type is blamed on the sweep entry that set it', () => {
    const r = workspace({ 'experiments/lr/experiment.yaml': MODEL + 'sweep:\n  grid:\n    train.seed: [1]\n    train.learning_rate: [0.001, fast]\n' });
    const e = errorOf(() => loadExperimentFolder(r, 'lr'));
    expect(e.file).toBe('experiments/lr/experiment.yaml');
    expect(e.line).toBe(8);
    expect(e.key).toBe('sweep.grid.train.learning_rate');
    expect(e.message).toMatch(/variant 'learning_rate-fast-seed-1': wrong type: expected number/);
  });

  it('a sweep in a file others extend (or base.yaml) is refused', () => {
    const r = workspace({ 'config/base.yaml': 'sweep:\n  grid:\n    train.seed: [1, 2]\n', 'experiments/a/experiment.yaml': MODEL });
    const e = errorOf(() => loadExperimentFolder(r, 'a'));
    expect(e.file).toBe('config/base.yaml');
    expect(e.line).toBe(1);
    expect(e.message).toMatch(/belongs in the experiment file it expands/);
  });

  it('a folder name with "--" is refused (it separates sweep and variant)', () => {
    const r = workspace({ 'experiments/a--b/experiment.yaml': MODEL });
    expect(errorOf(() => loadExperimentFolder(r, 'a--b')).message).toMatch(/invalid experiment folder name 'a--b'/);
  });
});
