import { INDEX_COLUMNS, IndexRow } from '../submission/experiment-index';
import { findSubmission } from './find-submission';

const row = (experiment: string, timestamp: string, extra: Partial<IndexRow> = {}): IndexRow => ({
  ...(Object.fromEntries(INDEX_COLUMNS.map((c) => [c, ''])) as IndexRow),
  experiment,
  timestamp,
  status: 'ok',
  smoke: 'false',
  ...extra,
});

describe('findSubmission', () => {
  const rows = [
    row('exp-a', 't1'),
    row('exp-a', 't3'),
    row('exp-a', 't4', { smoke: 'true' }),
    row('exp-b', 't3'),
    row('exp-c', 't5', { smoke: 'true' }),
    row('exp-d', 't6', { status: 'failed', note: 'train failed' }),
  ];

  it('an experiment (with or without exp-) means its latest ok, non-smoke submission', () => {
    expect(findSubmission(rows, 'exp-a')).toBe(1);
    expect(findSubmission(rows, 'a')).toBe(1);
  });

  it('a submission id or a timestamp names one row; a timestamp two experiments share is ambiguous', () => {
    expect(findSubmission(rows, 'exp-a_t1')).toBe(0);
    expect(findSubmission(rows, 'exp-a_t4')).toBe(2); // a smoke row, by its id
    expect(findSubmission(rows, 't1')).toBe(0);
    expect(() => findSubmission(rows, 't3')).toThrow("'t3' names 2 submissions (exp-a_t3, exp-b_t3): give the full submission id.");
  });

  it('says why a row cannot be the one', () => {
    expect(() => findSubmission(rows, 'exp-c')).toThrow("experiment 'exp-c' has only smoke submissions (exp-c_t5): give the submission id if you uploaded one.");
    expect(() => findSubmission(rows, 'exp-d_t6')).toThrow('submission exp-d_t6 is a failed run (train failed): it has no file to upload.');
    expect(() => findSubmission(rows, 'd')).toThrow(/no submission 'd' .*\(experiment 'd' has only failed runs\).* Latest: exp-c_t5, exp-b_t3/);
    expect(() => findSubmission([], 'x')).toThrow(/The index has no ok submission yet/);
  });
});
