import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempWorkspace } from '../../../tests/support/temp-workspace';
import { formatSweepPlan, planSweep } from './sweep-plan';
import { planExperiment } from './plan';

const root = tempWorkspace('autoexp-sweep-plan', {
  'experiments/lr/experiment.yaml': 'model: {type: seq2seq, init: random, architecture: bart}\ntrain:\n  learning_rate: 0.1\nsweep:\n  grid:\n    train.seed: [1, 2]\n    train.learning_rate: [0.001, 0.003]\n',
  'experiments/plain/experiment.yaml': 'model: {type: seq2seq, init: random, architecture: bart}\n',
});

describe('plan of a sweep', () => {
  it('lists every variant with its values and group, and how to run them', () => {
    const p = planSweep(root, 'lr')!;
    expect(p.variants.map((v) => v.project)).toEqual(['exp-lr--learning_rate-0.001-seed-1', 'exp-lr--learning_rate-0.001-seed-2', 'exp-lr--learning_rate-0.003-seed-1', 'exp-lr--learning_rate-0.003-seed-2']);
    const text = formatSweepPlan(p);
    expect(text).toMatch(/exp-lr--learning_rate-0\.003-seed-2 +train\.learning_rate=0\.003  train\.seed=2  \[group lr--learning_rate-0\.003\]/);
    expect(text).toContain('run them: npx nx run-many -t submit --projects=tag:sweep:lr');
    expect(formatSweepPlan(p, { train: 'fit', infer: 'predict', submit: 'upload' })).toContain('run them: npx nx run-many -t upload --projects=tag:sweep:lr');
  });
  it("a sweep's file named as an experiment says how to run its variants, with the workspace's target names", () => {
    expect(() => planExperiment(root, 'lr')).toThrow(/run its variants \(.*\): npx nx run-many -t submit --projects=tag:sweep:lr/);
    writeFileSync(join(root, 'nx.json'), JSON.stringify({ plugins: [{ plugin: '@autoexp/nx-autoexp', options: { submitTargetName: 'upload' } }] }));
    try {
      expect(() => planExperiment(root, 'lr')).toThrow(/npx nx run-many -t upload --projects=tag:sweep:lr/);
    } finally {
      rmSync(join(root, 'nx.json'));
    }
  });
  it('is null for a plain experiment and for one variant', () => {
    expect(planSweep(root, 'plain')).toBeNull();
    expect(planSweep(root, 'lr--learning_rate-0.001-seed-1')).toBeNull();
  });
  it("a variant's plan says its swept values come from the sweep, the others from where they are written", () => {
    const plan = planExperiment(root, 'lr--learning_rate-0.003-seed-2');
    const from = (k: string) => plan.values.find((v) => v.key === k)!;
    expect(from('train.learning_rate')).toMatchObject({ value: 0.003, from: 'experiments/lr/experiment.yaml sweep (variant learning_rate-0.003-seed-2)' });
    expect(from('model.architecture').from).toBe('experiments/lr/experiment.yaml:1');
  });
});
