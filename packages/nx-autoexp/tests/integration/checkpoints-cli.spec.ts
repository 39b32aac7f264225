/**
 * `autoexp checkpoints` as a real process: the compiled CLI (tsc into a
 * private folder, so parallel suites never see a half-written dist/) run
 * against synthetic trainer output trees.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runProcess } from '../../src/core/process/run-process';
import { buildCli } from './support/build-cli';
import { tmpRoot, writeCheckpoint, writeRotatedRun, writeRunRecord } from '../../src/core/checkpoints/__fixtures__/build-tree';

const PKG = resolve(__dirname, '../..');
const WS = resolve(PKG, '../..');
let build: string;
let main: string;
let root: string;

beforeAll(async () => {
  build = await buildCli('ckpt-cli', 'cli/main.ts', ['cli/main.js', 'cli/commands/checkpoints.js']);
  main = join(build, 'dist/cli/main.js');
}, 120_000);
afterAll(() => rmSync(build, { recursive: true, force: true }));
beforeEach(() => {
  root = tmpRoot('ckpt-cli-');
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

async function cli(...args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const res = await runProcess(process.execPath, [main, 'checkpoints', ...args], { cwd: root, onStdoutLine: (l) => out.push(l), onStderrLine: (l) => err.push(l) });
  return { code: res.exitCode, out: out.join('\n'), err: err.join('\n') };
}

it('--json: the rotated run picks the best checkpoint, not the latest', async () => {
  writeRotatedRun(join(root, 'out'), { steps: [10, 20, 30], scores: [0.2, 0.6, 0.5] });
  const r = await cli('out', '--json');
  expect(r.code).toBe(0);
  const j = JSON.parse(r.out);
  expect(Object.keys(j)).toEqual(['selected', 'candidates']);
  expect(j.selected).toEqual({ path: join(root, 'out/checkpoint-20'), step: 20, reason: expect.stringMatching(/^best: best_model_checkpoint checkpoint-20/) });
  expect(j.candidates).toEqual([
    { path: join(root, 'out/checkpoint-20'), step: 20, valid: true, reason: 'ok: full model (model.safetensors), tokenizer', metric: 0.6 },
    { path: join(root, 'out/checkpoint-30'), step: 30, valid: true, reason: 'ok: full model (model.safetensors), tokenizer', metric: 0.5 },
  ]);
  const latest = JSON.parse((await cli('out', '--json', '--policy', 'latest')).out);
  expect(latest.selected.step).toBe(30);
});

it('--metric/--mode and --run-id choose within one run of a shared folder', async () => {
  for (const [id, exp, day] of [['r1', 'a', '20'], ['r2', 'b', '21']]) {
    writeRunRecord(join(root, 'out', id), { run_id: id, experiment: exp, config_hash: 'h', status: 'completed', started_at: `2026-11-${day}T00:00:00Z` });
    writeRotatedRun(join(root, 'out', id), { steps: [10, 20, 30], scores: [0.2, 0.6, 0.5], keep: 'all' });
  }
  // The trainer's best (checkpoint-20) is gone, so the named metric decides: eval_loss = 3 - score, max -> step 10.
  rmSync(join(root, 'out', 'r1', 'checkpoint-20'), { recursive: true });
  const j = JSON.parse((await cli('out', '--json', '--run-id', 'r1', '--metric', 'eval_loss', '--mode', 'max')).out);
  expect(j.candidates.map((c: { path: string }) => c.path)).toEqual([10, 30].map((s) => join(root, `out/r1/checkpoint-${s}`)));
  expect(j.selected.step).toBe(10);
  expect(j.selected.reason).toMatch(/eval_loss=2\.8 \(max\)/);
});

it('--path-only prints just the chosen folder (for $(...) in scripts), and exits 1 with the reasons when none is valid', async () => {
  writeRotatedRun(join(root, 'out'), { steps: [10, 20, 30], scores: [0.2, 0.6, 0.5] });
  const r = await cli('out', '--path-only');
  expect(r).toEqual({ code: 0, out: join(root, 'out/checkpoint-20'), err: '' });
  const f = join(root, 'out/checkpoint-20/model.safetensors');
  truncateSync(f, statSync(f).size - 2);
  // The recorded best is damaged: the metric picks the next best valid one.
  expect((await cli('out', '--path-only')).out).toBe(join(root, 'out/checkpoint-30'));
  rmSync(join(root, 'out/checkpoint-30'), { recursive: true });
  const none = await cli('out', '--path-only');
  expect(none.code).toBe(1);
  expect(none.out).toBe('');
  expect(none.err).toMatch(/checkpoint-20 \(step 20\): model\.safetensors: truncated/);
  expect((await cli('out', '--path-only', '--json')).code).toBe(2);
});

it('human table: each candidate with step, metric and validity or the reason, then the choice', async () => {
  writeRotatedRun(join(root, 'out'), { steps: [10, 20], scores: [0.7, 0.5] });
  mkdirSync(join(root, 'out', 'checkpoint-30'));
  writeCheckpoint(join(root, 'out', 'checkpoint-tmp'));
  const r = await cli('out');
  expect(r.code).toBe(0);
  const lines = r.out.split('\n');
  expect(lines[0]).toMatch(/^checkpoint\s+step\s+eval_score\s+status$/);
  expect(lines).toContainEqual(expect.stringMatching(/^checkpoint-10\s+10\s+0\.7\s+valid \(full\)$/));
  expect(lines).toContainEqual(expect.stringMatching(/^checkpoint-30\s+30\s+-\s+INVALID: empty folder/));
  expect(lines).toContainEqual(expect.stringMatching(/^checkpoint-tmp\s+-\s+-\s+INVALID: not a step checkpoint/));
  expect(r.out).toMatch(/selected: out\/checkpoint-10 \(step 10\)\n {2}why: best: best_model_checkpoint checkpoint-10/);
});

it('exit 1 with every candidate and why when nothing is valid; --json still prints', async () => {
  const f = join(writeCheckpoint(join(root, 'out', 'checkpoint-5')), 'model.safetensors');
  truncateSync(f, statSync(f).size - 2);
  mkdirSync(join(root, 'out', 'checkpoint-6'));
  const r = await cli('out', '--json');
  expect(r.code).toBe(1);
  expect(JSON.parse(r.out).selected).toBeNull();
  expect(r.err).toMatch(/no valid checkpoint under .*out; 2 candidate\(s\), none usable:\n {2}checkpoint-5 \(step 5\): model\.safetensors: truncated: .*\n {2}checkpoint-6 \(step 6\): empty folder/);
  const human = await cli('out');
  expect(human.code).toBe(1);
  expect(human.err).toMatch(/checkpoint-6 \(step 6\): empty folder/);
});

it('--policy path validates the folder given', async () => {
  writeCheckpoint(join(root, 'somewhere', 'final'));
  const ok = await cli('.', '--path', 'somewhere/final', '--json');
  expect(ok.code).toBe(0);
  expect(JSON.parse(ok.out).selected).toMatchObject({ path: join(root, 'somewhere/final'), step: null });
  mkdirSync(join(root, 'empty'));
  expect((await cli('.', '--policy', 'path', '--path', 'empty')).code).toBe(1);
});

it('exit 2 for bad usage, with the problem named', async () => {
  mkdirSync(join(root, 'out'));
  const cases: Array<[string[], RegExp]> = [
    [[], /expected one folder, got none/],
    [['missing'], /folder missing does not exist/],
    [['out', '--policy', 'newest'], /--policy must be one of best, latest, path, got 'newest'/],
    [['out', '--mode', 'up'], /--mode must be one of max, min/],
    [['out', '--policy', 'path'], /--policy path needs --path/],
    [['out', '--bogus'], /Unknown option '--bogus'/],
  ];
  for (const [args, msg] of cases) {
    const r = await cli(...args);
    expect([args, r.code]).toEqual([args, 2]);
    expect(r.err).toMatch(msg);
  }
  writeFileSync(join(root, 'file'), '');
  expect((await cli('file')).err).toMatch(/file is not a folder/);
});
