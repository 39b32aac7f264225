import { INDEX_COLUMNS, IndexRow } from '../submission/experiment-index';
import { pearson } from './correlation';
import { devVsPublic } from './dev-vs-public';

const row = (experiment: string, timestamp: string, score: string, pub: string, extra: Partial<IndexRow> = {}): IndexRow => ({
  ...(Object.fromEntries(INDEX_COLUMNS.map((c) => [c, ''])) as IndexRow),
  experiment,
  timestamp,
  status: 'ok',
  smoke: 'false',
  score,
  public_score: pub,
  ...extra,
});

describe('devVsPublic', () => {
  const rows = [
    row('kobart--lr1', 't1', '0.40', '0.44'),
    row('solo', 't2', '0.42', '0.45'),
    row('kobart--lr2', 't3', '0.45', '0.47'),
    row('mt5--a', 't4', '0.38', '0.41', { private_score: '0.40', output_path: 'prediction/exp-mt5--a_t4/output.csv' }), // from an index of an earlier version
    row('solo', 't5', '0.50', ''), // not uploaded
    row('nodev', 't6', '', '0.43'),
    row('smoke', 't7', '0.9', '0.2', { smoke: 'true' }),
    row('failed', 't8', '', '0.3', { status: 'failed' }),
  ];

  it('one series per sweep group (sorted), the ungrouped last; only submissions with both scores', () => {
    const d = devVsPublic(rows);
    expect(d.series.map((s) => [s.group, s.points.map((p) => p.id)])).toEqual([
      ['kobart', ['kobart--lr1_t1', 'kobart--lr2_t3']],
      ['mt5', ['exp-mt5--a_t4']],
      [null, ['solo_t2']],
    ]);
    expect(d.series[1].points[0]).toEqual({ id: 'exp-mt5--a_t4', experiment: 'mt5--a', dev: 0.38, public: 0.41, private: 0.4 });
    expect(d.withoutDev).toEqual(['nodev_t6']);
    expect(d.n).toBe(4);
    expect(d.correlation).toBeCloseTo(pearson([0.4, 0.42, 0.45, 0.38], [0.44, 0.45, 0.47, 0.41])!, 12);
    expect(d.correlation).toBeGreaterThan(0.9);
  });

  it('smoke submissions only when asked; no groups at all: a single ungrouped series', () => {
    const d = devVsPublic([rows[1], rows[6]], { includeSmoke: true });
    expect(d.series.map((s) => [s.group, s.points.length])).toEqual([[null, 2]]);
    expect(d.correlation).toBeNull(); // two points say nothing
  });
});
