import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FAILURES_DIR, clearStepFailure, readFailures, recordStepFailure } from './failure-record';

describe('failure records (runs/_failures)', () => {
  let root: string;
  beforeEach(() => (root = mkdtempSync(join(tmpdir(), 'failures-'))));
  afterEach(() => rmSync(root, { recursive: true, force: true }));
  const file = (name: string) => join(root, FAILURES_DIR, name);
  const legacy = (name: string, record: Record<string, unknown>) => {
    mkdirSync(join(root, FAILURES_DIR), { recursive: true });
    writeFileSync(file(name), JSON.stringify(record));
  };
  const at = new Date('2026-11-26T08:00:00Z');

  it('are named by experiment, with the project beside it', () => {
    recordStepFailure(root, { experiment: 'demo', target: 'train', reason: 'boom', smoke: false }, at);
    recordStepFailure(root, { experiment: 'demo', target: 'infer', reason: 'bang', smoke: true }, at);
    expect(JSON.parse(readFileSync(file('demo.json'), 'utf8'))).toEqual({ experiment: 'demo', project: 'exp-demo', target: 'train', reason: 'boom', at: at.toISOString(), smoke: false });
    expect(JSON.parse(readFileSync(file('demo.smoke.json'), 'utf8'))).toMatchObject({ experiment: 'demo', project: 'exp-demo', target: 'infer', smoke: true });
    clearStepFailure(root, 'demo', false);
    expect(readFailures(root).map((f) => [f.experiment, f.smoke])).toEqual([['demo', true]]);
  });

  it('reads a record of an earlier version (named by project, no project field) as one of the experiment', () => {
    legacy('exp-demo.json', { experiment: 'exp-demo', target: 'train', reason: 'old', at: at.toISOString(), smoke: false });
    expect(readFailures(root)).toEqual([{ experiment: 'demo', project: 'exp-demo', target: 'train', reason: 'old', at: at.toISOString(), smoke: false }]);
  });

  it('clearing, or a new failure, removes the earlier version\'s record of the experiment: one record each', () => {
    legacy('exp-demo.json', { experiment: 'exp-demo', target: 'train', reason: 'old', at: at.toISOString(), smoke: false });
    legacy('exp-demo.smoke.json', { experiment: 'exp-demo', target: 'train', reason: 'old', at: at.toISOString(), smoke: true });
    recordStepFailure(root, { experiment: 'demo', target: 'submit', reason: 'new', smoke: false }, at);
    expect(readFailures(root).map((f) => [f.experiment, f.reason, f.smoke]).sort()).toEqual([['demo', 'new', false], ['demo', 'old', true]]);
    clearStepFailure(root, 'demo', true);
    expect(existsSync(file('exp-demo.smoke.json'))).toBe(false);
    expect(readFailures(root).map((f) => f.reason)).toEqual(['new']);
  });

  it('live in runs/_failures/; none there is no failure, and only .json files are records', () => {
    expect(readFailures(root)).toEqual([]);
    recordStepFailure(root, { experiment: 'demo', target: 'train', reason: 'boom', smoke: false }, at);
    expect(existsSync(join(root, 'runs', '_failures', 'demo.json'))).toBe(true);
    // A stray file that parses (a user's copy, an editor's backup) is not a record.
    writeFileSync(file('demo.json.bak'), readFileSync(file('demo.json')));
    writeFileSync(file('notes.txt'), JSON.stringify({ experiment: 'other', target: 'train', reason: 'x', at: at.toISOString(), smoke: false, project: 'exp-other' }));
    expect(readFailures(root).map((f) => f.experiment)).toEqual(['demo']);
  });

  it('keeps the record of an experiment whose name starts with exp- when clearing another', () => {
    recordStepFailure(root, { experiment: 'exp-demo', target: 'train', reason: 'its own', smoke: false }, at);
    clearStepFailure(root, 'demo', false);
    expect(readFailures(root)).toEqual([expect.objectContaining({ experiment: 'exp-demo', project: 'exp-exp-demo', reason: 'its own' })]);
  });
});
