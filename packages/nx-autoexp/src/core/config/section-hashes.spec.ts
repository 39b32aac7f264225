import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadExperiment, sectionHashes } from './load-experiment';
import type { ExperimentConfig } from './types';

/**
 * Which target's cache key each config key belongs to. A key in the wrong
 * group is a stale cache hit (e.g. preprocess.max_source_length not in train's
 * key leaves an old model in place) or a needless rerun (an infer edit that
 * retrains). Every leaf of every shipped experiment is changed, one at a time.
 */
type Target = 'train' | 'infer' | 'submit';
const ALL: Target[] = ['train', 'infer', 'submit'];

/** Most specific prefix wins. A new top-level section must be placed here before this test passes. */
const EXPECTED: Record<string, Target[]> = {
  'data.dir': ALL,
  'data.train': ['train'],
  'data.dev': ['train', 'infer'], // train evaluates on dev (best checkpoint), infer scores it
  'data.test': ['infer'],
  'data.test_references': ['infer'],
  'data.sample_submission': ['submit'],
  model: ['train'],
  preprocess: ['train'],
  train: ['train'],
  // How a run is run (resume, save on Ctrl-C), not what it computes.
  'train.resume': [],
  'train.save_on_interrupt': [],
  'train.interrupt_grace_s': [],
  checkpoint: ['train'],
  metric: ['train', 'infer'], // picks the best checkpoint (eval_score) and scores dev
  infer: ['infer'],
  'infer.gpus': [], // the same predictions on any number of devices (train.gpus > 1 is DDP: a new batch, retrain)
  submit: ['submit'],
  // Where and how a run is placed, not what it computes.
  description: [],
  tags: [],
  launcher: [],
  slurm: [],
  devices: [],
  competition: [],
};

const REPO = join(__dirname, '..', '..', '..', '..', '..');

function leaves(value: unknown, path: string[] = []): string[][] {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) => leaves(v, [...path, k]));
  }
  return [path];
}

function changed(value: unknown): unknown {
  if (typeof value === 'number') return value + 1;
  if (typeof value === 'boolean') return !value;
  if (typeof value === 'string') return `${value}-changed`;
  if (Array.isArray(value)) return [...value, 'changed'];
  return 'changed'; // null: "not set" becomes set
}

function withChange(config: ExperimentConfig, path: string[]): ExperimentConfig {
  const copy = JSON.parse(JSON.stringify(config)) as Record<string, unknown>;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string, unknown>;
  node[path[path.length - 1]] = changed(node[path[path.length - 1]]);
  return copy as unknown as ExperimentConfig;
}

function expectedFor(path: string[]): Target[] | undefined {
  for (let n = path.length; n > 0; n--) {
    const hit = EXPECTED[path.slice(0, n).join('.')];
    if (hit) return hit;
  }
  return undefined;
}

describe('section hashes: each config key re-runs exactly the targets it affects', () => {
  const experiments = readdirSync(join(REPO, 'experiments'));

  it.each(experiments)('every key of experiments/%s', (name) => {
    const { config } = loadExperiment(REPO, name);
    const before = sectionHashes(config);
    const wrong: string[] = [];
    for (const path of leaves(config)) {
      const key = path.join('.');
      const want = expectedFor(path);
      if (!want) {
        wrong.push(`${key}: not placed in any target's key (add it to EXPECTED and to sectionHashes)`);
        continue;
      }
      const after = sectionHashes(withChange(config, path));
      const got = ALL.filter((t) => after[t] !== before[t]);
      if (got.join(',') !== want.join(',')) wrong.push(`${key}: re-runs [${got.join(', ')}], should re-run [${want.join(', ')}]`);
    }
    expect(wrong).toEqual([]);
  });

  it('covers the sections the repo uses', () => {
    // Guards the guard: the experiments above exercise every group that matters.
    const keys = new Set(experiments.flatMap((n) => leaves(loadExperiment(REPO, n).config).map((p) => p[0])));
    for (const section of ['data', 'model', 'preprocess', 'train', 'checkpoint', 'infer', 'submit']) expect(keys).toContain(section);
  });
});
