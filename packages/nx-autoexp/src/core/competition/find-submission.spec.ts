import { INDEX_COLUMNS, IndexRow } from '../submission/experiment-index';
import { findSubmission, submissionIdOf } from './find-submission';

const row = (experiment: string, timestamp: string, extra: Partial<IndexRow> = {}): IndexRow => ({
  ...(Object.fromEntries(INDEX_COLUMNS.map((c) => [c, ''])) as IndexRow),
  experiment,
  project: `exp-${experiment}`,
  timestamp,
  status: 'ok',
  smoke: 'false',
  output_path: `prediction/${experiment}_${timestamp}/output.csv`,
  ...extra,
});

describe('submissionIdOf', () => {
  it('is the folder the row names (output_path), so a row of an earlier index keeps its exp-<name>_<ts> folder', () => {
    expect(submissionIdOf(row('a', 't1'))).toBe('a_t1');
    expect(submissionIdOf(row('old', 't0', { output_path: 'prediction/exp-old_t0/output.csv' }))).toBe('exp-old_t0');
    expect(submissionIdOf(row('old', 't0', { output_path: 'prediction\\exp-old_t0\\output.csv' }))).toBe('exp-old_t0');
  });

  it('is <experiment>_<timestamp> for a row without an output path (failed rows)', () => {
    expect(submissionIdOf(row('a', 't1', { output_path: '' }))).toBe('a_t1');
    expect(submissionIdOf({ experiment: 'a', timestamp: 't1' })).toBe('a_t1');
  });
});

describe('findSubmission', () => {
  const rows = [
    row('a', 't1'),
    row('a', 't3'),
    row('a', 't4', { smoke: 'true' }),
    row('b', 't3'),
    row('c', 't5', { smoke: 'true' }),
    row('d', 't6', { status: 'failed', note: 'train failed', output_path: '' }),
    // Migrated from an index that named experiments by project: its folder kept that name.
    row('old', 't0', { output_path: 'prediction/exp-old_t0/output.csv' }),
  ];

  it('an experiment, or its project (exp-<name>), means its latest ok, non-smoke submission', () => {
    expect(findSubmission(rows, 'a')).toBe(1);
    expect(findSubmission(rows, 'exp-a')).toBe(1);
    expect(findSubmission(rows, 'old')).toBe(6);
    expect(findSubmission(rows, 'exp-old')).toBe(6);
  });

  it('a submission id (the folder name) or a timestamp names one row; a timestamp two experiments share is ambiguous', () => {
    expect(findSubmission(rows, 'a_t1')).toBe(0);
    expect(findSubmission(rows, 'a_t4')).toBe(2); // a smoke row, by its id
    expect(findSubmission(rows, 'exp-old_t0')).toBe(6);
    expect(() => findSubmission(rows, 'old_t0')).toThrow(/no submission 'old_t0'/); // not its folder
    expect(findSubmission(rows, 't1')).toBe(0);
    expect(() => findSubmission(rows, 't3')).toThrow("'t3' names 2 submissions (a_t3, b_t3): give the full submission id.");
  });

  it('says why a row cannot be the one', () => {
    expect(() => findSubmission(rows, 'c')).toThrow("experiment 'c' has only smoke submissions (c_t5): give the submission id if you uploaded one.");
    expect(() => findSubmission(rows, 'exp-c')).toThrow("experiment 'exp-c' has only smoke submissions (c_t5)");
    expect(() => findSubmission(rows, 'd_t6')).toThrow('submission d_t6 is a failed run (train failed): it has no file to upload.');
    expect(() => findSubmission(rows, 'd')).toThrow(/no submission 'd' .*\(experiment 'd' has only failed runs\).* Latest: exp-old_t0, c_t5, b_t3/);
    expect(() => findSubmission([], 'x')).toThrow(/The index has no ok submission yet/);
  });
});
