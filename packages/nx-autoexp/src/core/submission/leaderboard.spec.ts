import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toCsvText } from './csv-io';
import { INDEX_COLUMNS, IndexRow, readIndex } from './experiment-index';
import { flattenConfig } from '../config/config-diff';
import { configDiff, leaderboard, leaderboardGroups } from './leaderboard';
import { recordSubmission } from './record-submission';

describe('leaderboard', () => {
  let ws: string;
  beforeEach(() => (ws = mkdtempSync(join(tmpdir(), 'lb-'))));
  afterEach(() => rmSync(ws, { recursive: true, force: true }));
  const writeIndex = (rows: Partial<IndexRow>[]) => {
    mkdirSync(join(ws, 'prediction'), { recursive: true });
    const full = rows.map((r) => INDEX_COLUMNS.map((c) => r[c] ?? (c === 'status' ? 'ok' : c === 'smoke' ? 'false' : '')));
    writeFileSync(join(ws, 'prediction/experiment_index.csv'), toCsvText([...INDEX_COLUMNS], full));
  };

  beforeEach(() =>
    writeIndex([
      { experiment: 'a', timestamp: '20261126T080000000Z', score: '0.5', step: '10' },
      { experiment: 'b', timestamp: '20261126T081000000Z', score: '0.6' },
      { experiment: 'a', timestamp: '20261126T082000000Z', score: '0.7', step: '30', strategy: 'fast', tracker: 'wandb:abc https://wandb.ai/t/p/runs/abc' },
      { experiment: 'c', timestamp: '20261126T083000000Z', score: '' },
      { experiment: 'd', timestamp: '20261126T084000000Z', score: '0.9', smoke: 'true' },
      { experiment: 'e', timestamp: '20261126T085000000Z', status: 'failed' },
      { experiment: 'b', timestamp: '20261126T086000000Z', score: '0.6' },
    ]),
  );

  it('sortBy public: the best public score of each experiment, in one table across dev metrics, unrecorded last', () => {
    writeIndex([
      { experiment: 'a', timestamp: '20261126T080000000Z', score: '0.5', metric: 'mean/mean/mecab', public_score: '0.47', submitted_at: '2026-11-26T09:00:00.000Z' },
      { experiment: 'a', timestamp: '20261126T081000000Z', score: '0.7', metric: 'mean/mean/mecab', public_score: '0.44', private_score: '0.45' },
      { experiment: 'b', timestamp: '20261126T082000000Z', score: '0.6', metric: 'sum/mean/mecab', public_score: '0.46' },
      { experiment: 'c', timestamp: '20261126T083000000Z', score: '0.9', metric: 'mean/mean/mecab' },
    ]);
    const groups = leaderboardGroups(ws, { sortBy: 'public' });
    expect(groups).toHaveLength(1);
    expect(groups[0].rows.map((r) => [r.rank, r.experiment, r.public_score, r.score])).toEqual([
      [1, 'a', 0.47, 0.5],
      [2, 'b', 0.46, 0.6],
      [3, 'c', null, 0.9],
    ]);
    expect(groups[0].rows[0]).toMatchObject({ private_score: null, submitted_at: '2026-11-26T09:00:00.000Z' });
    // By dev (the default) a's best row is the other one, and the metrics are ranked apart.
    expect(leaderboard(ws).map((r) => [r.experiment, r.public_score, r.private_score])).toEqual([['c', null, null], ['a', 0.44, 0.45], ['b', 0.46, null]]);
  });

  it('ranks the best ok, non-smoke row of each experiment by score, unscored last', () => {
    const rows = leaderboard(ws);
    expect(rows.map((r) => [r.rank, r.experiment, r.score, r.timestamp])).toEqual([
      [1, 'a', 0.7, '20261126T082000000Z'],
      [2, 'b', 0.6, '20261126T086000000Z'], // tie: newest wins
      [3, 'c', null, '20261126T083000000Z'],
    ]);
    expect(rows[0]).toMatchObject({ step: 30, strategy: 'fast', when: '2026-11-26T08:20:00.000Z', tracker: 'wandb:abc https://wandb.ai/t/p/runs/abc' });
    expect(rows[1].tracker).toBe('');
  });

  it('lists every row with all, and smoke / failed rows on request', () => {
    expect(leaderboard(ws, { all: true }).map((r) => r.experiment)).toEqual(['a', 'b', 'b', 'a', 'c']);
    expect(leaderboard(ws, { includeSmoke: true })[0].experiment).toBe('d');
    expect(leaderboard(ws, { includeFailed: true }).map((r) => r.experiment)).toEqual(['a', 'b', 'e', 'c']);
  });
});

describe('leaderboard across metrics', () => {
  let ws: string;
  beforeEach(() => (ws = mkdtempSync(join(tmpdir(), 'lbm-'))));
  afterEach(() => rmSync(ws, { recursive: true, force: true }));

  it('never ranks rows scored with different metrics against each other; the newest metric leads', () => {
    mkdirSync(join(ws, 'prediction'), { recursive: true });
    const rows: Partial<IndexRow>[] = [
      { experiment: 'summed', timestamp: '20261126T080000000Z', score: '1.2', metric: 'sum/mean/mecab' },
      { experiment: 'a', timestamp: '20261126T081000000Z', score: '0.3', metric: 'mean/mean/mecab' },
      { experiment: 'b', timestamp: '20261126T082000000Z', score: '0.4', metric: 'mean/mean/mecab' },
      { experiment: 'unscored', timestamp: '20261126T083000000Z', score: '' },
      { experiment: 'ws', timestamp: '20261126T079000000Z', score: '0.9', metric: 'mean/mean/whitespace' },
    ];
    const full = rows.map((r) => INDEX_COLUMNS.map((c) => r[c] ?? (c === 'status' ? 'ok' : c === 'smoke' ? 'false' : '')));
    writeFileSync(join(ws, 'prediction/experiment_index.csv'), toCsvText([...INDEX_COLUMNS], full));
    const groups = leaderboardGroups(ws);
    expect(groups.map((g) => [g.metric, g.rows.map((r) => [r.rank, r.experiment])])).toEqual([
      ['mean/mean/mecab', [[1, 'b'], [2, 'a'], [3, 'unscored']]],
      ['mean/mean/whitespace', [[1, 'ws']]],
      ['sum/mean/mecab', [[1, 'summed']]],
    ]);
    // The flat list keeps each group's own ranks: 'summed' (1.2) is not rank 1 of the competition's table.
    expect(leaderboard(ws).map((r) => `${r.rank}:${r.experiment}`)).toEqual(['1:b', '2:a', '3:unscored', '1:ws', '1:summed']);
  });
});

describe('leaderboard and the trivial baselines', () => {
  let ws: string;
  beforeEach(() => (ws = mkdtempSync(join(tmpdir(), 'lbb-'))));
  afterEach(() => rmSync(ws, { recursive: true, force: true }));

  it('flags rows that do not beat the best baseline of their dev set; rows without baselines are not flagged', async () => {
    const key = '0123456789abcdef';
    const set = { key, metric: { aggregate: 'mean', references: 'mean', tokenizer: 'mecab' }, n: 2, best: 'constant', best_score: 0.34,
      baselines: [{ name: 'constant', description: 'c', score: 0.34, rouge1: 0.38, rouge2: 0.27, rougeL: 0.37 }, { name: 'lead-1', description: 'l', score: 0.22, rouge1: 0.28, rouge2: 0.13, rougeL: 0.25 }] };
    writeFileSync(join(ws, 'sample.csv'), 'fname,summary\nt0,\nt1,\n');
    const submit = async (experiment: string, score: number, withBaselines: boolean) => {
      writeFileSync(join(ws, 'p.csv'), `fname,summary\nt0,${experiment} a\nt1,${experiment} b\n`);
      const devScores = { score, rouge1: score, rouge2: score, rougeL: score, metric: set.metric, ...(withBaselines ? { baselines: set } : {}) };
      await recordSubmission({ workspaceRoot: ws, experiment, predictionsPath: join(ws, 'p.csv'), samplePath: join(ws, 'sample.csv'), metadata: { devScores } });
    };
    await submit('good', 0.4, true);
    await submit('tie', 0.34, true);
    await submit('old', 0.1, false);
    const [g] = leaderboardGroups(ws);
    expect(g.rows.map((r) => [r.experiment, r.baselines, r.below_baseline])).toEqual([['good', key, false], ['tie', key, true], ['old', '', null]]);
    expect(g.baselines).toEqual([set]);
    expect(readIndex(ws).map((r) => r.baselines)).toEqual([key, key, '']);
  });
});

describe('configDiff', () => {
  let ws: string;
  beforeEach(() => {
    ws = mkdtempSync(join(tmpdir(), 'diff-'));
    writeFileSync(join(ws, 'sample.csv'), 'fname,summary\nt0,\n');
  });
  afterEach(() => rmSync(ws, { recursive: true, force: true }));
  const submit = async (experiment: string, summary: string, config: unknown, when: string) => {
    writeFileSync(join(ws, 'p.csv'), `fname,summary\nt0,${summary}\n`);
    await recordSubmission({ workspaceRoot: ws, experiment, predictionsPath: join(ws, 'p.csv'), samplePath: join(ws, 'sample.csv'), metadata: { config }, now: new Date(when) });
  };

  it('lists dotted keys that differ between the latest submissions', async () => {
    await submit('a', 'x', { experiment: 'a', run_id: 'r1', train: { learning_rate: 0.1 } }, '2026-11-26T08:00:00Z');
    await submit('a', 'y', { experiment: 'a', run_id: 'r2', train: { learning_rate: 0.001, seed: 1 }, model: { lora: null, special: ['#P1#'] } }, '2026-11-26T09:00:00Z');
    await submit('b', 'z', { experiment: 'b', run_id: 'r3', train: { learning_rate: 0.001, seed: 2 }, model: { lora: { r: 8 }, special: ['#P1#'] } }, '2026-11-26T08:30:00Z');
    expect(configDiff(ws, 'a', 'b')).toEqual([
      { key: 'model.lora', a: null, b: undefined },
      { key: 'model.lora.r', a: undefined, b: 8 },
      { key: 'train.seed', a: 1, b: 2 },
    ]);
    await expect(async () => configDiff(ws, 'a', 'nope')).rejects.toThrow(/no submission of experiment 'nope'.*npx nx run exp-nope:submit/);
    // A project name means its experiment; the hint still names the Nx task once.
    expect(configDiff(ws, 'exp-a', 'b')).toEqual(configDiff(ws, 'a', 'b'));
    await expect(async () => configDiff(ws, 'a', 'exp-nope')).rejects.toThrow(/no submission of experiment 'exp-nope'.*npx nx run exp-nope:submit/);
    // Rows as submit writes them: experiment names, with the project beside them.
    expect(leaderboard(ws).map((r) => [r.experiment, r.project])).toEqual([['a', 'exp-a'], ['b', 'exp-b']]);
  });

  it('flattens nested objects, keeping arrays whole', () => {
    expect(flattenConfig({ a: { b: 1, c: [1, 2] }, d: {} })).toEqual({ 'a.b': 1, 'a.c': [1, 2], d: {} });
  });
});

describe('leaderboard: seed groups of a sweep', () => {
  let ws: string;
  beforeEach(() => (ws = mkdtempSync(join(tmpdir(), 'lb-groups-'))));
  afterEach(() => rmSync(ws, { recursive: true, force: true }));
  const writeIndex = (rows: Partial<IndexRow>[]) => {
    mkdirSync(join(ws, 'prediction'), { recursive: true });
    const full = rows.map((r) => INDEX_COLUMNS.map((c) => r[c] ?? (c === 'status' ? 'ok' : c === 'smoke' ? 'false' : '')));
    writeFileSync(join(ws, 'prediction/experiment_index.csv'), toCsvText([...INDEX_COLUMNS], full));
  };

  it("every member shows its group's mean, sample std and n over the best row of each member, from the workspace's sweep", () => {
    mkdirSync(join(ws, 'experiments', 'lr'), { recursive: true });
    writeFileSync(join(ws, 'experiments/lr/experiment.yaml'), 'model: {type: seq2seq, init: random, architecture: bart}\nsweep:\n  grid:\n    train.learning_rate: [0.001, 0.003]\n    train.seed: [1, 2, 3]\n');
    writeIndex([
      { experiment: 'lr--learning_rate-0.001-seed-1', timestamp: '20261126T080000000Z', score: '0.40' },
      { experiment: 'lr--learning_rate-0.001-seed-1', timestamp: '20261126T080500000Z', score: '0.30' }, // not its best: left out of the mean
      { experiment: 'lr--learning_rate-0.001-seed-2', timestamp: '20261126T081000000Z', score: '0.44' },
      { experiment: 'lr--learning_rate-0.001-seed-3', timestamp: '20261126T082000000Z', score: '0.48' },
      { experiment: 'lr--learning_rate-0.003-seed-1', timestamp: '20261126T083000000Z', score: '0.50' }, // alone in its group: no stats
      { experiment: 'plain', timestamp: '20261126T084000000Z', score: '0.45' },
    ]);
    const rows = leaderboard(ws);
    const g = rows.find((r) => r.experiment === 'lr--learning_rate-0.001-seed-2')!.group!;
    expect(g.name).toBe('lr--learning_rate-0.001');
    expect(g.n).toBe(3);
    expect(g.mean).toBeCloseTo(0.44, 10);
    expect(g.std).toBeCloseTo(0.04, 10); // sample std of 0.40, 0.44, 0.48
    expect(g.members.sort()).toEqual(['lr--learning_rate-0.001-seed-1', 'lr--learning_rate-0.001-seed-2', 'lr--learning_rate-0.001-seed-3']);
    expect(rows.filter((r) => r.group).map((r) => r.experiment).sort()).toEqual(g.members);
    expect(rows.find((r) => r.experiment === 'lr--learning_rate-0.003-seed-1')!.group).toBeNull();
    expect(rows.find((r) => r.experiment === 'plain')!.group).toBeNull();
  });

  it('never averages scores of different metrics', () => {
    writeIndex([
      { experiment: 's--seed-1', timestamp: '20261126T080000000Z', score: '0.4', metric: 'mean/mean/mecab' },
      { experiment: 's--seed-2', timestamp: '20261126T081000000Z', score: '0.9', metric: 'sum/mean/mecab' },
    ]);
    const rows = leaderboard(ws, { groupOf: (e) => (e.startsWith('s--') ? 's' : null) });
    expect(rows.every((r) => r.group === null)).toBe(true);
  });
});
