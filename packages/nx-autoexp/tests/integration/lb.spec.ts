/**
 * `autoexp lb record | status | pick` and the leaderboard's public columns as
 * real processes: the CLI compiled into a private folder, submissions made by
 * `autoexp submit`, the quota of a workspace whose config/base.yaml says
 * 2 a day, reset at midnight in Seoul. Times are given with --at (in the
 * past, so no "in the future" warning depends on the machine's clock).
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { INDEX_COLUMNS } from '../../src/core/submission/experiment-index';
import { toCsvText } from '../../src/core/submission/csv-io';
import { runProcess } from '../../src/core/process/run-process';
import { buildCli } from './support/build-cli';

const ITEMS = 20;
let build: string;
let ws: string;

jest.setTimeout(120_000);

beforeAll(async () => {
  build = await buildCli('lb-cli', 'cli/main.ts', ['cli/main.js', 'cli/commands/lb.js', 'cli/commands/submit.js', 'cli/commands/leaderboard.js']);
}, 120_000);
afterAll(() => rmSync(build, { recursive: true, force: true }));

async function autoexp(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const res = await runProcess(process.execPath, [join(build, 'dist/cli/main.js'), ...args], { cwd: ws, onStdoutLine: (l) => out.push(l), onStderrLine: (l) => err.push(l) });
  return { code: res.exitCode, out: out.join('\n'), err: err.join('\n') };
}

const BASE = 'competition:\n  daily_limit: 2\n  reset:\n    time: "00:00"\n    timezone: Asia/Seoul\n';

/** Predictions whose first `shared` summaries are the common ones, the rest the experiment's own. */
function predictions(tag: string, shared: number): string {
  const p = join(ws, `pred-${tag}.csv`);
  const rows = Array.from({ length: ITEMS }, (_, i) => `test_${i},${i < shared ? `공통 요약 ${i}번` : `${tag}의 요약 ${i}번`}`);
  writeFileSync(p, ['fname,summary', ...rows].join('\n') + '\n');
  return p;
}

async function submit(experiment: string, preds: string, dev: number): Promise<string> {
  const metrics = join(ws, `metrics-${experiment}.json`);
  writeFileSync(metrics, JSON.stringify({ rouge1: dev, rouge2: dev, rougeL: dev, score: dev }));
  const r = await autoexp('submit', '--experiment', experiment, '--predictions', preds, '--sample', join(ws, 'sample.csv'), '--metrics', metrics);
  expect(r.code).toBe(0);
  return /submitted \S+ at (\S+)/.exec(r.out)![1];
}

function index(): Record<string, string>[] {
  const [header, ...rows] = parse(readFileSync(join(ws, 'prediction/experiment_index.csv'))) as string[][];
  expect(header).toEqual([...INDEX_COLUMNS]);
  return rows.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]])));
}
const rowOf = (experiment: string) => index().find((r) => r.experiment === experiment)!;

describe('autoexp lb (real processes)', () => {
  const ts: Record<string, string> = {};

  beforeAll(async () => {
    ws = mkdtempSync(join(tmpdir(), 'lb-cli-'));
    mkdirSync(join(ws, 'config'));
    writeFileSync(join(ws, 'config/base.yaml'), BASE);
    writeFileSync(join(ws, 'sample.csv'), ['fname,summary', ...Array.from({ length: ITEMS }, (_, i) => `test_${i},`)].join('\n') + '\n');
    const common = predictions('a', ITEMS);
    ts.a = await submit('a', common, 0.4);
    ts.b = await submit('b', predictions('b', 2), 0.45); // 10% like a
    ts.c = await submit('c', predictions('c', 19), 0.5); // 95% like a: a near-duplicate
    ts.d = await submit('d', common, 0.4); // the very file of a (its project's name, exp-d, is typed below)
  });
  afterAll(() => rmSync(ws, { recursive: true, force: true }));

  it('record by experiment name: reads x100, stores the fraction and the upload time in the index', async () => {
    const r = await autoexp('lb', 'record', 'a', '47.5', '--at', '2025-03-10 23:50', '--note', 'first try');
    expect([r.code, r.err]).toEqual([0, '']);
    expect(r.out).toContain(`recorded a_${ts.a}: public 47.50 (read 47.5 as x100; stored as fractions`);
    expect(r.out).toContain('uploaded 2025-03-10 23:50 Asia/Seoul = 14:50 UTC; dev 40.00 -> public 47.50 (+7.50)');
    expect(r.out).toContain('leaderboard day from 2025-03-10 00:00 Asia/Seoul = 2025-03-09 15:00 UTC: 1 of 2 used, 1 left');
    expect(rowOf('a')).toMatchObject({ project: 'exp-a', public_score: '0.475', private_score: '', submitted_at: '2025-03-10T14:50:00.000Z', note: 'first try' });
  });

  it('record by submission id, a fraction and a private score', async () => {
    const r = await autoexp('lb', 'record', `b_${ts.b}`, '0.47', '--private', '45.1', '--at', '2025-03-10T14:55:00Z');
    expect(r.code).toBe(0);
    expect(r.out).toContain('public 47.00, private 45.10 (read 0.47 as a fraction');
    expect(rowOf('b')).toMatchObject({ public_score: '0.47', private_score: '0.451', submitted_at: '2025-03-10T14:55:00.000Z' });
  });

  it('before uploading, lb status says a file already scored would waste a submission', async () => {
    const r = await autoexp('lb', 'status', 'exp-d', '--at', '2025-03-10 23:56');
    expect(r.code).toBe(0);
    expect(r.out).toContain(`d_${ts.d}: do not upload: its predictions are identical (sha256) to a_${ts.a} (public 47.50)`);
    expect((await autoexp('lb', 'status', 'c')).out).toContain(`c_${ts.c}: not uploaded yet, and no identical file has a score.`);
  });

  it('a second record of the same sha, past the daily limit: both warned, and recorded', async () => {
    const before = index();
    const r = await autoexp('lb', 'record', 'd', '47.5', '--at', '2025-03-10 23:58');
    expect(r.code).toBe(0);
    expect(r.err).toContain(`warning: these predictions are identical (sha256) to a_${ts.a}, already scored 47.50 public (uploaded 2025-03-10 23:50 Asia/Seoul = 14:50 UTC): this upload was a wasted submission.`);
    expect(r.err).toContain('warning: over the daily limit: this is submission 3 of the leaderboard day from 2025-03-10 00:00 Asia/Seoul = 2025-03-09 15:00 UTC, which allows 2.');
    expect(r.out).toContain('3 of 2 used, 0 left');
    const after = index();
    expect(after.find((x) => x.experiment === 'd')).toMatchObject({ public_score: '0.475', submitted_at: '2025-03-10T14:58:00.000Z' });
    // Every other row is as it was.
    expect(after.filter((x) => x.experiment !== 'd')).toEqual(before.filter((x) => x.experiment !== 'd'));
  });

  it('quota across the reset boundary: a minute before midnight in Seoul all used, after it a new day', async () => {
    const late = await autoexp('lb', 'status', '--at', '2025-03-10 23:59');
    expect(late.out).toContain('leaderboard day from 2025-03-10 00:00 Asia/Seoul = 2025-03-09 15:00 UTC: 3 of 2 used, 0 left');
    expect(late.out).toContain('next reset: 2025-03-11 00:00 Asia/Seoul = 2025-03-10 15:00 UTC, in 1 min');
    expect(late.out).toMatch(new RegExp(`14:50 UTC  a_${ts.a}  public 47\\.50\\n.*b_${ts.b}  public 47\\.00\\n.*d_${ts.d}  public 47\\.50`));
    const next = await autoexp('lb', 'status', '--at', '2025-03-10T15:05:00Z');
    expect(next.out).toContain('leaderboard day from 2025-03-11 00:00 Asia/Seoul = 2025-03-10 15:00 UTC: 0 of 2 used, 2 left');
    const r = await autoexp('lb', 'record', 'exp-c', '46.2', '--at', '2025-03-11 00:10');
    expect([r.code, r.err]).toEqual([0, '']); // a new day: no quota warning
    expect(r.out).toContain('1 of 2 used, 1 left');
    const json = JSON.parse((await autoexp('lb', 'status', '--json', '--at', '2025-03-11 08:00')).out);
    expect(json.quota).toMatchObject({ used: 1, limit: 2, remaining: 1, day: { start: '2025-03-10T15:00:00.000Z', end: '2025-03-11T15:00:00.000Z' } });
  });

  it('leaderboard: public/private beside dev, --sort public, and in --json', async () => {
    const byDev = await autoexp('leaderboard');
    expect(byDev.out.split('\n')[0]).toMatch(/^# +experiment +score +public +private +R1/);
    expect(byDev.out).toMatch(/1 +c +50\.00 +46\.20 +- +50\.00/);
    expect(byDev.out).toMatch(/2 +b +45\.00 +47\.00 +45\.10 +45\.00/);
    const byPublic = await autoexp('leaderboard', '--sort', 'public', '--json');
    const rows = JSON.parse(byPublic.out) as { experiment: string; public_score: number | null; private_score: number | null; submitted_at: string | null }[];
    // a and d tie on public and dev: the newer first, as for dev ties.
    expect(rows.map((x) => [x.experiment, x.public_score])).toEqual([['d', 0.475], ['a', 0.475], ['b', 0.47], ['c', 0.462]]);
    expect(rows[2]).toMatchObject({ private_score: 0.451, submitted_at: '2025-03-10T14:55:00.000Z' });
    expect((await autoexp('leaderboard', '--sort', 'private')).code).toBe(2);
  });

  it('lb pick: the best public, then the best dev that is no near-duplicate, with reasons', async () => {
    const r = await autoexp('lb', 'pick', '--n', '3');
    expect(r.code).toBe(0);
    const out = r.out.split('\n');
    expect(out[0]).toBe("suggested final selection: 2 of 3 asked, from 4 scored submissions (a suggestion: select them on the competition's site yourself)");
    expect(out[1]).toBe(`  1. a_${ts.a}  public 47.50  dev 40.00`);
    expect(out[2]).toBe(`     why: best public score (47.50) of 4 scored submissions; tied with d_${ts.d}, the earlier upload`);
    expect(out[3]).toBe(`  2. b_${ts.b}  public 47.00  dev 45.00  private 45.10`);
    expect(out[4]).toBe('     why: best dev score (45.00) among the rest; 10% of its summaries identical to pick 1');
    expect(r.out).toContain(`why: a near-duplicate of pick 1 (a_${ts.a}): 95% of 20 summaries identical (limit 90%)`);
    expect(r.out).toContain(`why: the same file as pick 1 (a_${ts.a}): identical sha256`);
    expect(r.out).toContain('fewer picks than asked: the other scored submissions are the same as or near-duplicates of a pick.');
    const loose = JSON.parse((await autoexp('lb', 'pick', '--max-overlap', '0.99', '--json')).out);
    expect(loose.picks.map((p: { candidate: { experiment: string } }) => p.candidate.experiment)).toEqual(['a', 'c']);
  });

  it('mistakes: exit 2 for bad input, 1 for an unknown submission, nothing written', async () => {
    const before = readFileSync(join(ws, 'prediction/experiment_index.csv'), 'utf8');
    const comma = await autoexp('lb', 'record', 'a', '46,85');
    expect([comma.code, comma.err]).toEqual([2, "autoexp lb: public score '46,85' is not a number: give it as the leaderboard shows it (46.85) or as a fraction (0.4685)."]);
    expect((await autoexp('lb', 'record', 'a', '146')).err).toMatch(/public score 146 is above 100/);
    expect((await autoexp('lb', 'record', 'a', '46.85', '--at', 'yesterday')).code).toBe(2);
    const unknown = await autoexp('lb', 'record', 'exp-zz', '46.85');
    expect(unknown.code).toBe(1);
    expect(unknown.err).toContain(`no submission 'exp-zz' in prediction/experiment_index.csv: give an experiment (demo or exp-demo) or a submission id`);
    expect(unknown.err).toContain(`Latest: d_${ts.d}, c_${ts.c}`);
    expect((await autoexp('lb', 'pick', '--n', '0')).code).toBe(2);
    expect((await autoexp('lb', 'bogus')).code).toBe(2);
    expect(readFileSync(join(ws, 'prediction/experiment_index.csv'), 'utf8')).toBe(before);
  });

  it('a bad competition section stops lb with file, line and key', async () => {
    writeFileSync(join(ws, 'config/base.yaml'), BASE.replace('Asia/Seoul', 'Asia/Seol'));
    try {
      const r = await autoexp('lb', 'status');
      expect(r.code).toBe(1);
      // Framed as every command and step frames a config error (ConfigError.userMessage).
      expect(r.err).toBe("autoexp lb: invalid config:\n  config/base.yaml:5 (key: competition.reset.timezone): unknown time zone 'Asia/Seol'\n    fix: use an IANA time zone name such as Asia/Seoul, Europe/Berlin or UTC");
    } finally {
      writeFileSync(join(ws, 'config/base.yaml'), BASE);
    }
  });
});

describe('an index written before the leaderboard columns', () => {
  beforeEach(() => {
    ws = mkdtempSync(join(tmpdir(), 'lb-old-'));
  });
  afterEach(() => rmSync(ws, { recursive: true, force: true }));

  it("keeps a user's own column and its values through lb record", async () => {
    const header = [...INDEX_COLUMNS, 'my_lb_note'];
    const cells = (experiment: string, note: string) => header.map((c) => ({ experiment, project: `exp-${experiment}`, timestamp: `2025010${note.length}T000000000Z`, status: 'ok', smoke: 'false', score: '0.4', my_lb_note: note })[c] ?? '');
    mkdirSync(join(ws, 'prediction'));
    writeFileSync(join(ws, 'prediction/experiment_index.csv'), toCsvText(header, [cells('x', 'tried beams=5'), cells('y', 'keep')]));
    const r = await autoexp('lb', 'record', 'exp-y', '45.5', '--at', '2025-01-03T00:00:00Z');
    expect([r.code, r.err]).toEqual([0, '']);
    const [head, ...rows] = parse(readFileSync(join(ws, 'prediction/experiment_index.csv'))) as string[][];
    expect(head).toEqual(header);
    const col = (c: string) => rows.map((row) => row[head.indexOf(c)]);
    expect(col('my_lb_note')).toEqual(['tried beams=5', 'keep']);
    expect(col('public_score')).toEqual(['', '0.455']);
  });

  it('no index yet: lb record says so and creates nothing', async () => {
    const r = await autoexp('lb', 'record', 'a', '46.85');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/no submissions yet: .*prediction\/experiment_index\.csv does not exist/);
    expect(existsSync(join(ws, 'prediction'))).toBe(false);
  });

  it('is rewritten in the current columns by lb record, every row kept', async () => {
    // Nor the project column: experiments were named by project (exp-old), and so were the folders.
    const old = INDEX_COLUMNS.filter((c) => !['project', 'public_score', 'private_score', 'submitted_at'].includes(c));
    const cells = (experiment: string, timestamp: string, score: string): Record<string, string> => ({
      experiment, timestamp, status: 'ok', smoke: 'false', score, rouge1: score, rouge2: score, rougeL: score, metric: 'mean/mean/mecab',
      predictions_sha256: `${experiment}`.padEnd(64, '0'), output_path: `prediction/${experiment}_${timestamp}/output.csv`, note: 'kept, "quoted", 한국어',
    });
    const rows = [cells('exp-old', '20250101T000000000Z', '0.41'), cells('exp-new', '20250102T000000000Z', '0.43')];
    mkdirSync(join(ws, 'prediction'));
    writeFileSync(join(ws, 'prediction/experiment_index.csv'), toCsvText(old, rows.map((r) => old.map((c) => r[c] ?? ''))));
    const r = await autoexp('lb', 'record', 'exp-old', '44.4', '--at', '2025-01-03T00:00:00Z');
    expect([r.code, r.err]).toEqual([0, '']);
    expect(r.out).toContain('recorded exp-old_20250101T000000000Z: public 44.40'); // the folder's own name
    const now = index(); // asserts the header is INDEX_COLUMNS
    expect(now).toHaveLength(2);
    for (const [i, row] of now.entries()) {
      for (const c of old) expect([c, row[c]]).toEqual([c, c === 'experiment' ? rows[i][c].replace(/^exp-/, '') : rows[i][c] ?? '']);
      expect(row.project).toBe(rows[i].experiment);
    }
    expect([now[0].public_score, now[0].submitted_at, now[1].public_score]).toEqual(['0.444', '2025-01-03T00:00:00.000Z', '']);
  });
});

describe('concurrent lb record and submit', () => {
  afterEach(() => rmSync(ws, { recursive: true, force: true }));

  it('lose no row and no score: both go through the index lock', async () => {
    ws = mkdtempSync(join(tmpdir(), 'lb-race-'));
    writeFileSync(join(ws, 'sample.csv'), ['fname,summary', ...Array.from({ length: ITEMS }, (_, i) => `test_${i},`)].join('\n') + '\n');
    const first = await Promise.all(['r0', 'r1', 'r2', 'r3'].map((e, i) => submit(e, predictions(e, i), 0.4 + i / 100)));
    expect(first).toHaveLength(4);
    const results = await Promise.all([
      ...['r0', 'r1', 'r2', 'r3'].map((e, i) => autoexp('lb', 'record', e, String(40 + i), '--at', '2025-02-01T00:00:00Z')),
      ...['s0', 's1', 's2', 's3'].map((e, i) => submit(e, predictions(e, 10 + i), 0.5).then(() => ({ code: 0, out: '', err: '' }))),
    ]);
    expect(results.map((x) => x.code)).toEqual(Array(8).fill(0));
    const rows = index();
    expect(rows.map((x) => x.experiment).sort()).toEqual(['r0', 'r1', 'r2', 'r3', 's0', 's1', 's2', 's3']);
    expect(Object.fromEntries(rows.map((x) => [x.experiment, x.public_score]))).toMatchObject({ r0: '0.4', r1: '0.41', r2: '0.42', r3: '0.43', s0: '' });
  });
});
