import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { INDEX_COLUMNS, readIndex } from '../submission/experiment-index';
import { leaderboard } from '../submission/leaderboard';
import { submissionIdOf } from '../competition/find-submission';
import { checkpointTrackers } from './checkpoint-trackers';
import { submitStep } from './submit-step';

const WANDB = { name: 'wandb', run_id: 'abc123', url: 'https://wandb.ai/team/proj/runs/abc123', project: 'proj' };
const TB = { name: 'tensorboard', run_id: 'runs/Nov26_08-15-00_host', url: null };
const CKPT = 'outputs/demo/r1/checkpoint-20';

describe('submitStep: tracker runs (train.report_to)', () => {
  let ws: string;
  const write = (rel: string, text: string) => {
    mkdirSync(join(ws, rel, '..'), { recursive: true });
    writeFileSync(join(ws, rel), text);
  };
  const manifest = (extra: Record<string, unknown> = {}) =>
    write('runs/demo/train/checkpoint.json', JSON.stringify({ version: 1, experiment: 'demo', path: CKPT, step: 20, kind: 'full', policy: 'best', run_id: 'r1', ...extra }));
  const runRecord = (rel: string, record: Record<string, unknown>) => write(`${rel}/autoexp_run.json`, JSON.stringify({ status: 'completed', ...record }));
  const submit = async () => {
    const lines: string[] = [];
    await submitStep({ workspaceRoot: ws, experiment: 'demo', log: (l) => lines.push(l) });
    return lines;
  };
  const metadata = () => JSON.parse(readFileSync(join(ws, readIndex(ws).at(-1)!.metadata_path), 'utf8'));

  beforeEach(() => {
    ws = mkdtempSync(join(tmpdir(), 'submit-step-'));
    write('config/base.yaml', 'data:\n  dir: data\n  sample_submission: sample_submission.csv\n');
    write('experiments/demo/experiment.yaml', 'model:\n  type: seq2seq\n  init: random\n  architecture: bart\n');
    write('data/sample_submission.csv', 'fname,summary\ntest_0,\ntest_1,\n');
    write('runs/demo/infer/predictions/test.csv', 'fname,summary\ntest_0,a\ntest_1,b\n');
    mkdirSync(join(ws, CKPT), { recursive: true });
  });
  afterEach(() => rmSync(ws, { recursive: true, force: true }));

  it('puts the trackers of the checkpoint run into the index row and the metadata', async () => {
    manifest();
    runRecord('outputs/demo/r1', { run_id: 'r1', trackers: [WANDB, TB] });
    const lines = await submit();
    const [row] = readIndex(ws);
    expect(row.tracker).toBe('wandb:abc123 https://wandb.ai/team/proj/runs/abc123; tensorboard:runs/Nov26_08-15-00_host');
    expect(metadata().trackers).toEqual([WANDB, TB]);
    expect(lines).toContain(`tracker: ${row.tracker}`);
  });

  it('leaves the column empty without trackers, a run record or a manifest', async () => {
    manifest();
    runRecord('outputs/demo/r1', { run_id: 'r1', trackers: [] });
    await submit();
    runRecord('outputs/demo/r1', { run_id: 'r1' }); // a custom train command writes no trackers
    await submit();
    rmSync(join(ws, 'outputs'), { recursive: true });
    await submit();
    rmSync(join(ws, 'runs/demo/train'), { recursive: true });
    await submit();
    expect(readIndex(ws).map((r) => r.tracker)).toEqual(['', '', '', '']);
    expect(metadata().trackers).toEqual([]);
  });

  it("rewrites an index with the old header into the current columns, old rows kept", async () => {
    // An index of an earlier version: no tracker column, no project column (experiments named by project).
    const old = INDEX_COLUMNS.filter((c) => c !== 'tracker' && c !== 'project');
    const oldRow = old.map((c) => ({ experiment: 'exp-old', timestamp: '20261101T000000000Z', status: 'ok', score: '0.5', note: 'kept, with a comma' })[c as string] ?? '');
    write('prediction/experiment_index.csv', `${old.join(',')}\n${oldRow.map((v) => (v.includes(',') ? `"${v}"` : v)).join(',')}\n`);
    manifest();
    runRecord('outputs/demo/r1', { run_id: 'r1', trackers: [WANDB] });
    await submit();
    const [header, ...rows] = parse(readFileSync(join(ws, 'prediction/experiment_index.csv')), { relax_column_count: false }) as string[][];
    expect(header).toEqual([...INDEX_COLUMNS]);
    expect(header.indexOf('tracker')).toBe(header.indexOf('warnings') - 1);
    expect(header.indexOf('project')).toBe(header.indexOf('experiment') + 1);
    const recs = rows.map((r) => Object.fromEntries(header.map((c, i) => [c, r[i]])));
    expect(recs[0]).toMatchObject({ experiment: 'old', project: 'exp-old', timestamp: '20261101T000000000Z', score: '0.5', tracker: '', note: 'kept, with a comma' });
    expect(recs[1]).toMatchObject({ experiment: 'demo', project: 'exp-demo', tracker: `wandb:abc123 ${WANDB.url}` });
  });

  it('names the submission by experiment: prediction/demo_<ts>/, index row, receipt and metadata', async () => {
    manifest();
    runRecord('outputs/demo/r1', { run_id: 'r1' });
    const lines = await submit();
    const row = readIndex(ws).at(-1)!;
    expect(row).toMatchObject({ experiment: 'demo', project: 'exp-demo', output_path: `prediction/demo_${row.timestamp}/output.csv` });
    const receipt = JSON.parse(readFileSync(join(ws, 'runs/demo/submit/receipt.json'), 'utf8'));
    expect(receipt).toMatchObject({ experiment: 'demo', outputPath: row.output_path });
    expect(metadata()).toMatchObject({ experiment: 'demo', submission_id: `demo_${row.timestamp}` });
    expect(lines).toContain(`submission: prediction/demo_${row.timestamp}/output.csv`);
  });

  it('an index of an earlier version (exp-demo rows, a user column) and a new submit: one experiment demo on the leaderboard, old values kept', async () => {
    // Written by the previous version: experiment = the project, no project column; `public_lb` is the user's own.
    const old = [...INDEX_COLUMNS.filter((c) => c !== 'project'), 'public_lb'];
    const oldRow: Record<string, string> = {
      experiment: 'exp-demo', timestamp: '20261101T000000000Z', status: 'ok', smoke: 'false', score: '0.9', metric: 'mean/mean/mecab',
      output_path: 'prediction/exp-demo_20261101T000000000Z/output.csv', metadata_path: 'prediction/exp-demo_20261101T000000000Z/experiment_metadata.json', public_lb: '41.5',
    };
    write('prediction/experiment_index.csv', `${old.join(',')}\n${old.map((c) => oldRow[c] ?? '').join(',')}\n`);
    manifest();
    runRecord('outputs/demo/r1', { run_id: 'r1' });
    await submit();
    const [header, ...rows] = parse(readFileSync(join(ws, 'prediction/experiment_index.csv')), { relax_column_count: false }) as string[][];
    expect(header).toEqual([...INDEX_COLUMNS, 'public_lb']);
    const recs = rows.map((r) => Object.fromEntries(header.map((c, i) => [c, r[i]])));
    expect(recs).toHaveLength(2);
    expect(recs[0]).toMatchObject({ ...oldRow, experiment: 'demo', project: 'exp-demo' });
    expect(recs[1]).toMatchObject({ experiment: 'demo', project: 'exp-demo', public_lb: '' });
    const board = leaderboard(ws);
    expect(board.map((r) => [r.experiment, r.project, r.score])).toEqual([['demo', 'exp-demo', 0.9]]);
    // The old row keeps its folder name as its submission id.
    expect(submissionIdOf(readIndex(ws)[0])).toBe('exp-demo_20261101T000000000Z');
  });
});

describe('checkpointTrackers', () => {
  let ws: string;
  beforeEach(() => (ws = mkdtempSync(join(tmpdir(), 'ckpt-trackers-'))));
  afterEach(() => rmSync(ws, { recursive: true, force: true }));
  const record = (rel: string, record: unknown) => {
    mkdirSync(join(ws, rel), { recursive: true });
    writeFileSync(join(ws, rel, 'autoexp_run.json'), JSON.stringify(record));
  };

  it('finds the record in a parent of a nested checkpoint, matching the run_id', () => {
    record('outputs/x/run_2026/checkpoints/checkpoint-40', { run_id: 'other', trackers: [TB] }); // not this run
    record('outputs/x/run_2026', { run_id: 'r7', trackers: [WANDB] });
    const m = { path: 'outputs/x/run_2026/checkpoints/checkpoint-40', run_id: 'r7' };
    expect(checkpointTrackers(ws, m)).toEqual([WANDB]);
    expect(checkpointTrackers(ws, { ...m, path: join(ws, m.path) })).toEqual([WANDB]); // absolute path
    expect(checkpointTrackers(ws, { ...m, run_id: null })).toEqual([TB]); // no run_id: the nearest record
  });

  it('drops malformed entries and never looks above the workspace root', () => {
    record('outputs/x/r1', { run_id: 'r1', trackers: [{ name: 'mlflow', run_id: 'f00', url: 'http://m/#/experiments/1/runs/f00', experiment_id: '1' }, { run_id: 'no-name' }, 'junk', null] });
    expect(checkpointTrackers(ws, { path: 'outputs/x/r1/checkpoint-1', run_id: 'r1' })).toEqual([
      { name: 'mlflow', run_id: 'f00', url: 'http://m/#/experiments/1/runs/f00', experiment_id: '1' },
    ]);
    record('.', { run_id: 'r2', trackers: [WANDB] }); // at the root: still inside
    const inner = join(ws, 'inner-workspace');
    mkdirSync(inner);
    expect(checkpointTrackers(ws, { path: 'outputs/y/checkpoint-1', run_id: 'r2' })).toEqual([WANDB]);
    expect(checkpointTrackers(inner, { path: 'outputs/y/checkpoint-1', run_id: 'r2' })).toEqual([]);
  });
});

describe('submitStep: an ensemble', () => {
  let ws: string;
  const write = (rel: string, text: string) => {
    mkdirSync(join(ws, rel, '..'), { recursive: true });
    writeFileSync(join(ws, rel), text);
  };
  beforeEach(() => {
    ws = mkdtempSync(join(tmpdir(), 'submit-step-'));
    write('config/base.yaml', 'data:\n  dir: data\n  sample_submission: sample_submission.csv\n');
    write('data/sample_submission.csv', 'fname,summary\ntest_0,\ntest_1,\n');
    write('runs/ens/infer/predictions/test.csv', 'fname,summary\ntest_0,a\ntest_1,b\n');
    write('runs/ens/infer/infer-record.json', JSON.stringify({ experiment: 'ens', strategy_used: 'consensus', ensemble: { method: 'consensus', members: [{ project: 'exp-a' }, { project: 'exp-b' }] } }));
  });
  afterEach(() => rmSync(ws, { recursive: true, force: true }));

  it('records the hash that covers its members (infer), not the train hash, and its members in the metadata', async () => {
    const hashesOf = async (members: string) => {
      write('experiments/ens/experiment.yaml', `ensemble:\n  members: [${members}]\n`);
      await submitStep({ workspaceRoot: ws, experiment: 'ens', log: () => undefined });
      return readIndex(ws).at(-1)!;
    };
    const one = await hashesOf('exp-a, exp-b');
    const two = await hashesOf('exp-a, exp-c');
    expect(one.config_hash).not.toBe(two.config_hash);
    expect(one.strategy).toBe('consensus');
    expect(one.checkpoint).toBe('');
    const meta = JSON.parse(readFileSync(join(ws, one.metadata_path), 'utf8'));
    expect(meta.inference.ensemble.members.map((m: { project: string }) => m.project)).toEqual(['exp-a', 'exp-b']);
  });
});
