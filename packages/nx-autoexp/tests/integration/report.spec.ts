/**
 * `autoexp report` as a real process: the compiled command (tsc into a private
 * folder) run against a fixture workspace, scoring dev items with the real
 * trainer (`python -m autoexp_trainer score --per-item`).
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runProcess } from '../../src/core/process/run-process';
import { buildCli } from './support/build-cli';
import { buildReportWorkspace, predictionsFor } from '../../src/core/report/__fixtures__/report-workspace';
import type { ReportData } from '../../src/core/report/types';

const PKG = resolve(__dirname, '../..');
const WS = resolve(PKG, '../..');
const PYTHON = join(WS, '.venv/bin/python');
let build: string;
let driver: string;
let root: string;

beforeAll(async () => {
  build = await buildCli('report-cli', 'cli/commands/report.ts', ['cli/commands/report.js']);
  const command = join(build, 'dist/cli/commands/report.js');
  // The same dispatch as cli/main.ts: UserError -> its exit code and message.
  driver = join(build, 'driver.js');
  writeFileSync(
    driver,
    `const { processIO, UserError } = require(${JSON.stringify(join(build, 'dist/cli/io.js'))});
require(${JSON.stringify(command)}).default(process.argv.slice(2), processIO()).then(
  (code) => { process.exitCode = code; },
  (err) => { process.stderr.write('autoexp report: ' + err.message + '\\n'); process.exitCode = err instanceof UserError ? err.exitCode : 1; });
`,
  );
}, 120_000);
afterAll(() => rmSync(build, { recursive: true, force: true }));
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'report-cli-'));
  buildReportWorkspace(root);
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

async function report(args: string[], env: NodeJS.ProcessEnv = { AUTOEXP_PYTHON: PYTHON }) {
  const out: string[] = [];
  const err: string[] = [];
  const res = await runProcess(process.execPath, [driver, ...args], { cwd: root, env: { ...process.env, ...env }, onStdoutLine: (l) => out.push(l), onStderrLine: (l) => err.push(l) });
  return { code: res.exitCode, out: out.join('\n'), err: err.join('\n') };
}

const embedded = (html: string): ReportData => JSON.parse(/<script type="application\/json" id="report-data">([\s\S]*?)<\/script>/.exec(html)![1]);

it('writes prediction/report.html with per-item scores from the trainer', async () => {
  const r = await report([]);
  expect(r.err).not.toMatch(/unexpected error/);
  expect(r.code).toBe(0);
  expect(r.out).toMatch(/^report: prediction\/report\.html \(2 experiments, \d+ KiB\)$/);
  const data = embedded(readFileSync(join(root, 'prediction/report.html'), 'utf8'));
  const [alpha, beta] = data.experiments;
  expect([alpha.experiment, beta.experiment]).toEqual(['alpha', 'beta']);
  // Exact copies of the reference score 1 on each ROUGE, so 1 as their mean (the competition's final); alpha copied the even items.
  expect(alpha.items?.count).toBe(25);
  expect(alpha.items?.worst).toHaveLength(20);
  expect(alpha.items?.worst.map((w) => Number(w.fname.split('_')[1]) % 2)).toEqual([...Array(12).fill(1), ...Array(8).fill(0)]);
  expect(alpha.items?.topics.find((t) => t.topic === '날씨')?.score).toBeCloseTo(1, 5);
  // The prediction shown is the one in runs/, next to the reference and dialogue.
  const w = alpha.items!.worst[0];
  expect(w.prediction).toBe(predictionsFor('alpha').find((p) => p.fname === w.fname)!.summary);
  expect(beta.notes.join('\n')).toContain('checkpoint folder gone (outputs/beta/run1/checkpoint-40)');
  expect(r.err).toContain('report: note: beta: checkpoint folder gone');
}, 60_000);

it('--stamp lists what the report reads and changes with it', async () => {
  const a = await report(['--stamp']);
  expect(a.code).toBe(0);
  expect(a.out).toMatch(/^data\/rep\/dev\.csv [0-9a-f]{64}$/m);
  expect(a.out).toMatch(/^outputs\/alpha\/run1\/checkpoint-60\/trainer_state\.json [0-9a-f]{64}$/m);
  expect(a.out).toMatch(/^prediction\/experiment_index\.csv [0-9a-f]{64}$/m);
  expect(a.out).toMatch(/^runs\/beta\/infer\/predictions\/dev\.csv [0-9a-f]{64}$/m);
  expect(existsSync(join(root, 'prediction/report.html'))).toBe(false);
  rmSync(join(root, 'runs/beta/infer/predictions/dev.csv'));
  const b = await report(['--stamp']);
  expect(b.out).toMatch(/^runs\/beta\/infer\/predictions\/dev\.csv missing$/m);
}, 30_000);

it('a damaged index is an error naming the file; the last report is kept', async () => {
  writeFileSync(join(root, 'prediction/report.html'), 'previous report');
  writeFileSync(join(root, 'prediction/experiment_index.csv'), 'experiment,timestamp\n"unclosed,1\n');
  const r = await report([]);
  expect(r.code).toBe(1);
  expect(r.err).toMatch(/experiment_index\.csv: not a valid CSV file/);
  expect(readFileSync(join(root, 'prediction/report.html'), 'utf8')).toBe('previous report');
  const stamp = await report(['--stamp']);
  expect(stamp.code).toBe(0);
  expect(stamp.out).toMatch(/^error .*not a valid CSV file/);
}, 30_000);

it.each([
  ['no .venv in the workspace', '', /no Python environment: .*\.venv\/bin\/python does not exist/],
  ['AUTOEXP_PYTHON names no program', '/no/such/python', /cannot run \/no\/such\/python/],
])('without Python (%s) the page is still written, with the reason once at the top', async (_, python, reason) => {
  const r = await report(['--out', 'elsewhere/r.html'], { AUTOEXP_PYTHON: python });
  expect(r.code).toBe(0);
  const data = embedded(readFileSync(join(root, 'elsewhere/r.html'), 'utf8'));
  expect(data.experiments.map((e) => e.items)).toEqual([null, null]);
  expect(data.notes).toEqual([expect.stringMatching(reason)]);
  expect(data.experiments[1].notes).toContain('per-item scores unavailable (see the notes at the top)');
}, 30_000);

it('rejects a bad --worst', async () => {
  const r = await report(['--worst', '0']);
  expect(r.code).toBe(2);
  expect(r.err).toContain('--worst must be a whole number of items >= 1');
});
