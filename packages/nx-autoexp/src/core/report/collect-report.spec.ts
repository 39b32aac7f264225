import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PipelineError } from '../pipeline/pipeline-error';
import { readCsv, toCsvText } from '../submission/csv-io';
import { DEV_COUNT, TOPICS, buildReportWorkspace } from './__fixtures__/report-workspace';
import { collectReport } from './collect-report';
import type { ItemScorer } from './score-items';
import type { ItemScore } from './types';

/** Stand-in for the trainer: 3.0 where the prediction equals the reference, else 0.1 * item number / 10. */
const fakeScorer: ItemScorer = async (predictions, references) => {
  const refs = new Map(readCsv(references).rows.map((r) => [r.fname, r.summary]));
  return readCsv(predictions).rows.map((p): ItemScore => {
    const i = Number(p.fname.split('_')[1]);
    const score = p.summary === refs.get(p.fname) ? 3 : i / 100;
    return { fname: p.fname, score, rouge1: score / 3, rouge2: score / 3, rougeL: score / 3 };
  });
};

describe('collectReport', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'report-collect-'));
    buildReportWorkspace(root);
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('ranks the best ok, non-smoke submission of each experiment', async () => {
    const data = await collectReport({ workspaceRoot: root, scoreItems: fakeScorer, now: new Date('2026-11-26T09:00:00Z') });
    expect(data.experiments.map((e) => [e.rank, e.experiment, e.score, e.timestamp])).toEqual([
      [1, 'alpha', 0.9, '20261126T081000000Z'],
      [2, 'beta', 0.6, '20261126T082000000Z'],
    ]);
    expect(data.experiments[1].strategy).toBe('conservative');
    expect(data.experiments[0].when).toBe('2026-11-26T08:10:00.000Z');
    expect(data.generatedAt).toBe('2026-11-26T09:00:00.000Z');
    const withSmoke = await collectReport({ workspaceRoot: root, scoreItems: fakeScorer, includeSmoke: true });
    expect(withSmoke.experiments.map((e) => e.experiment)).toEqual(['gamma', 'alpha', 'beta']);
  });

  it('carries the trivial baselines of the dev set and flags an experiment that does not beat them', async () => {
    const key = 'abcdef0123456789';
    const set = { key, metric: {}, n: 25, best: 'constant', best_score: 0.7,
      baselines: [{ name: 'constant', description: 'c', score: 0.7, rouge1: 0.7, rouge2: 0.7, rougeL: 0.7 }, { name: 'lead-1', description: 'l', score: 0.2, rouge1: 0.2, rouge2: 0.2, rougeL: 0.2 }] };
    mkdirSync(join(root, 'prediction/baselines'), { recursive: true });
    writeFileSync(join(root, 'prediction/baselines', `${key}.json`), JSON.stringify(set));
    const index = join(root, 'prediction/experiment_index.csv');
    const t = readCsv(index);
    writeFileSync(index, toCsvText(t.header, t.rows.map((r) => t.header.map((h) => (h === 'baselines' ? key : r[h] ?? '')))));
    const data = await collectReport({ workspaceRoot: root, scoreItems: fakeScorer });
    expect(data.experiments.map((e) => [e.experiment, e.score, e.belowBaseline])).toEqual([['alpha', 0.9, false], ['beta', 0.6, true]]);
    expect(data.baselines.map((b) => [b.name, b.score, b.devSet])).toEqual([['constant', 0.7, key], ['lead-1', 0.2, key]]);
  });

  it('builds curves, per-topic means, the worst items and flat configs', async () => {
    const data = await collectReport({ workspaceRoot: root, scoreItems: fakeScorer, worstCount: 20 });
    const [alpha, beta] = data.experiments;
    expect(alpha.curve?.best).toEqual({ step: 40, value: 0.9 });
    expect(alpha.items?.count).toBe(DEV_COUNT);
    expect(alpha.items?.worst).toHaveLength(20);
    // alpha got the even items right (3.0): the worst are the odd ones, lowest number first.
    expect(alpha.items?.worst.slice(0, 3).map((w) => w.fname)).toEqual(['dev_1', 'dev_3', 'dev_5']);
    expect(alpha.items?.worst[1].dialogue).toContain('</script><b>굵게</b>');
    expect(alpha.items?.worst[0].prediction).toBe('alpha 모델은 1번 대화를 잘 모르겠다.');
    // Topic of dev_i is TOPICS[i % 4]; 날씨 holds 0,4,...,24 (7 items, all even: 3.0 each).
    const weather = alpha.items?.topics.find((t) => t.topic === TOPICS[0]);
    expect(weather).toMatchObject({ n: 7, score: 3 });
    const shopping = alpha.items?.topics.find((t) => t.topic === TOPICS[1]);
    expect(shopping?.n).toBe(6);
    expect(shopping?.score).toBeCloseTo((0.01 + 0.05 + 0.09 + 0.13 + 0.17 + 0.21) / 6);
    expect(data.topics).toEqual([TOPICS[0], ...TOPICS.slice(1)]);
    expect(alpha.config?.['train.learning_rate']).toBe('0.001');
    expect(beta.config?.['train.learning_rate']).toBe('0.0005');
    expect(alpha.notes).toEqual([]);
  });

  it("says when a checkpoint folder is gone, and still draws the run's curve", async () => {
    const data = await collectReport({ workspaceRoot: root, scoreItems: fakeScorer });
    const beta = data.experiments[1];
    expect(beta.notes.join('\n')).toMatch(/checkpoint folder gone \(outputs\/beta\/run1\/checkpoint-40\); learning curve from outputs\/beta\/run1\/checkpoint-50\/trainer_state\.json/);
    expect(beta.curve?.trainLoss).toHaveLength(5);
  });

  it('notes missing dev predictions, changed predictions and unreadable metadata per experiment', async () => {
    rmSync(join(root, 'runs/beta'), { recursive: true });
    const metaPath = join(root, 'prediction/alpha_20261126T081000000Z/experiment_metadata.json');
    const meta = JSON.parse(readFileSync(metaPath, 'utf8'));
    meta.inference.attempts = [{ split: 'dev', ok: true, output_sha256: 'f'.repeat(64) }];
    writeFileSync(metaPath, JSON.stringify(meta));
    const data = await collectReport({ workspaceRoot: root, scoreItems: fakeScorer });
    expect(data.experiments[0].notes).toEqual([expect.stringMatching(/^runs\/alpha\/infer\/predictions\/dev\.csv changed since this submission/)]);
    expect(data.experiments[0].items).not.toBeNull();
    expect(data.experiments[1].items).toBeNull();
    expect(data.experiments[1].notes.join('\n')).toContain('no dev predictions at runs/beta/infer/predictions/dev.csv');

    writeFileSync(metaPath, '{ not json');
    const broken = await collectReport({ workspaceRoot: root, scoreItems: fakeScorer });
    expect(broken.experiments[0].config).toBeNull();
    expect(broken.experiments[0].notes[0]).toMatch(/^metadata not readable \(prediction\/alpha_20261126T081000000Z\/experiment_metadata\.json: /);
    // Without metadata there is no data.dev, but the curve still comes from the index row's checkpoint.
    expect(broken.experiments[0].curve?.best?.step).toBe(40);
  });

  it('reports a scorer that cannot run once, at the top, and a bad item file per experiment', async () => {
    let calls = 0;
    const noPython: ItemScorer = async () => {
      calls++;
      throw new PipelineError('no Python environment: .venv/bin/python does not exist', 'run `npm run setup`');
    };
    const data = await collectReport({ workspaceRoot: root, scoreItems: noPython });
    expect(calls).toBe(1);
    expect(data.notes).toEqual([expect.stringContaining('per-item dev scores unavailable: no Python environment')]);
    expect(data.experiments.map((e) => e.items)).toEqual([null, null]);

    const failing: ItemScorer = async () => {
      throw new Error('per-item scoring failed (exit 3): predictions lack dev_7');
    };
    const bad = await collectReport({ workspaceRoot: root, scoreItems: failing });
    expect(bad.notes).toEqual([]);
    expect(bad.experiments[0].notes).toEqual([expect.stringContaining('could not score the dev items of runs/alpha/infer/predictions/dev.csv against data/rep/dev.csv: per-item scoring failed (exit 3)')]);
  });

  it('is an empty report, with a note, before any submission', async () => {
    rmSync(join(root, 'prediction'), { recursive: true });
    const data = await collectReport({ workspaceRoot: root, scoreItems: fakeScorer });
    expect(data.experiments).toEqual([]);
    expect(data.notes[0]).toMatch(/^no submissions to show yet.*Run `npx nx run-many -t submit` first/);
    // Run outside Nx, the report still names the target as nx.json renamed it.
    writeFileSync(join(root, 'nx.json'), JSON.stringify({ plugins: [{ plugin: '@autoexp/nx-autoexp', options: { submitTargetName: 'upload' } }] }));
    try {
      const renamed = await collectReport({ workspaceRoot: root, scoreItems: fakeScorer });
      expect(renamed.notes[0]).toContain('Run `npx nx run-many -t upload` first');
    } finally {
      rmSync(join(root, 'nx.json'));
    }
  });

  it('reads an index of an earlier version (no project column, experiments named exp-<name>) as experiments with their runs/ folders', async () => {
    const index = join(root, 'prediction/experiment_index.csv');
    const t = readCsv(index);
    const old = t.header.filter((h) => h !== 'project');
    writeFileSync(index, toCsvText(old, t.rows.map((r) => old.map((h) => (h === 'experiment' ? `exp-${r[h]}` : r[h] ?? '')))));
    const data = await collectReport({ workspaceRoot: root, scoreItems: fakeScorer });
    expect(data.experiments.map((e) => [e.experiment, e.score])).toEqual([['alpha', 0.9], ['beta', 0.6]]);
    // Per-item scores come from runs/alpha/, found by the migrated name.
    expect(data.experiments[0].items?.count).toBe(DEV_COUNT);
  });

  it('does not follow an index experiment that is no folder name', async () => {
    const index = join(root, 'prediction/experiment_index.csv');
    const t = readCsv(index);
    writeFileSync(index, toCsvText(t.header, t.rows.map((r) => t.header.map((h) => (h === 'experiment' && r[h] === 'alpha' ? '../../etc' : r[h] ?? '')))));
    const data = await collectReport({ workspaceRoot: root, scoreItems: fakeScorer });
    const bad = data.experiments.find((e) => e.experiment === '../../etc')!;
    expect(bad.items).toBeNull();
    expect(bad.notes).toContain("experiment '../../etc' in the index is not an experiment name: no per-item scores");
  });
});
