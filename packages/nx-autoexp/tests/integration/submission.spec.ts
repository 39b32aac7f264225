/**
 * Real-process tests of the CompetitionCSVManager through the compiled CLI:
 * exit codes, 8 concurrent submitters x 25 rounds, and kill -9 at random
 * moments (plus a deliberately stale lock). Builds dist/ first.
 */
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'csv-parse/sync';
import { prng } from '../support/prng';

// The contract (docs/architecture.md), spelled out so a changed column list fails here.
const INDEX_COLUMNS = 'experiment,project,timestamp,status,smoke,checkpoint,step,score,rouge1,rouge2,rougeL,metric,baselines,strategy,config_hash,predictions_sha256,output_path,metadata_path,tracker,warnings,note,public_score,private_score,submitted_at'.split(',');

const PKG = resolve(__dirname, '..', '..');
const ROOT = resolve(PKG, '..', '..');
const BIN = join(PKG, 'bin', 'autoexp.js');
const HOLD_LOCK = join(ROOT, 'tools', 'fault', 'hold-index-lock.js');
const SAMPLE_ROWS = 40;
const SAMPLE_HEADER = ['', 'fname', 'summary'];

jest.setTimeout(240_000);

interface Run {
  child: ChildProcess;
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
}

function start(args: string[], env: NodeJS.ProcessEnv = {}, script = BIN): Run {
  const child = spawn(process.execPath, [script, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c) => (stdout += c));
  child.stderr!.on('data', (c) => (stderr += c));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((res) =>
    child.on('close', (code, signal) => res({ code, signal, stdout, stderr })),
  );
  return { child, done };
}
const autoexp = (args: string[], env?: NodeJS.ProcessEnv) => start(args, env).done;


function makeWorkspace(): string {
  const ws = mkdtempSync(join(tmpdir(), 'autoexp-sub-it-'));
  const rows = Array.from({ length: SAMPLE_ROWS }, (_, i) => `${i},test_${i},`);
  writeFileSync(join(ws, 'sample.csv'), `${SAMPLE_HEADER.join(',')}\n${rows.join('\n')}\n`);
  writeFileSync(join(ws, 'metrics.json'), JSON.stringify({ rouge1: 0.31, rouge2: 0.12, rougeL: 0.28, score: 0.71 / 3 }));
  return ws;
}

/** Predictions (fname,summary) unique to `tag`, with commas, quotes, newlines and Hangul, shuffled. */
function writePredictions(ws: string, tag: string): string {
  const rows = Array.from({ length: SAMPLE_ROWS }, (_, i) => `test_${i},"${tag} 요약 ${i}, ""인용""\n둘째 줄"`);
  rows.push(rows.shift()!); // not in the sample's order: exercises reordering
  const p = join(ws, `pred-${tag}.csv`);
  writeFileSync(p, `fname,summary\n${rows.join('\n')}\n`);
  return p;
}

const submitArgs = (ws: string, experiment: string, preds: string) => [
  'submit', '--experiment', experiment, '--predictions', preds, '--sample', join(ws, 'sample.csv'), '--metrics', join(ws, 'metrics.json'), '--workspace', ws,
];

const parseStrict = (text: string | Buffer): string[][] => parse(text, { relax_column_count: false }) as string[][];

function readIndexRows(ws: string): Record<string, string>[] {
  const [header, ...rows] = parseStrict(readFileSync(join(ws, 'prediction', 'experiment_index.csv')));
  expect(header).toEqual(INDEX_COLUMNS);
  for (const r of rows) expect(r).toHaveLength(INDEX_COLUMNS.length);
  return rows.map((r) => Object.fromEntries(INDEX_COLUMNS.map((c, i) => [c, r[i]])));
}

// Names only killed submits leave: atomic-write temps, staging folders, the lock and claimed stale locks.
const isTempName = (name: string) => name.startsWith('.') || name.endsWith('.lock') || name.includes('.lock.stale-');

/**
 * Every visible file under prediction/ must be complete: CSVs parse with the
 * sample's header and row count, metadata parses, every submission folder is
 * whole, every index row points at files whose sha256 matches. Returns the
 * temp leftovers (which readers must ignore).
 */
function checkPredictionTree(ws: string): { visibleFiles: number; temps: string[]; rows: Record<string, string>[] } {
  const pred = join(ws, 'prediction');
  const temps: string[] = [];
  let visibleFiles = 0;
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (isTempName(name)) {
        temps.push(p.slice(pred.length + 1));
        continue;
      }
      if (statSync(p).isDirectory()) {
        if (dir === pred && name !== 'history') {
          expect(readdirSync(p).filter((n) => !isTempName(n)).sort()).toEqual(['experiment_metadata.json', 'output.csv']);
        }
        walk(p);
        continue;
      }
      visibleFiles++;
      expect(name.endsWith('.tmp')).toBe(false);
      if (name === 'experiment_index.csv') continue; // checked below
      if (name.endsWith('.csv')) {
        const [header, ...rows] = parseStrict(readFileSync(p));
        expect(header).toEqual(SAMPLE_HEADER);
        expect(rows).toHaveLength(SAMPLE_ROWS);
      } else if (name === 'experiment_metadata.json') {
        expect(JSON.parse(readFileSync(p, 'utf8')).predictions.sha256).toMatch(/^[0-9a-f]{64}$/);
      } else {
        throw new Error(`unexpected file under prediction/: ${p}`);
      }
    }
  };
  walk(pred);
  const rows = readIndexRows(ws);
  for (const r of rows) {
    const out = readFileSync(join(ws, r.output_path));
    expect(createHash('sha256').update(out).digest('hex')).toBe(r.predictions_sha256);
    expect(JSON.parse(readFileSync(join(ws, r.metadata_path), 'utf8')).predictions.sha256).toBe(r.predictions_sha256);
  }
  return { visibleFiles, temps, rows };
}

beforeAll(() => {
  // Other engineers' in-progress files may not compile; only errors in this feature's files fail the build check.
  const res = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(PKG, 'tsconfig.lib.json')], { cwd: ROOT, encoding: 'utf8' });
  const mine = (res.stdout + res.stderr).split('\n').filter((l) => /src\/(core\/submission\/|cli\/commands\/(submit|leaderboard|validate-submission)\.ts|cli\/(main|io)\.ts)/.test(l));
  expect(mine).toEqual([]);
  expect(existsSync(join(PKG, 'dist', 'cli', 'commands', 'submit.js'))).toBe(true);
});

describe('autoexp validate-submission / submit / leaderboard (real processes)', () => {
  let ws: string;
  beforeAll(() => (ws = makeWorkspace()));
  afterAll(() => rmSync(ws, { recursive: true, force: true }));

  it('exit codes: 0 valid, 1 invalid with an actionable message, 2 usage', async () => {
    const good = writePredictions(ws, 'good');
    const ok = await autoexp(['validate-submission', good, '--sample', join(ws, 'sample.csv')]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^OK: .*valid submission \(40 rows, reordered/);

    const bad = join(ws, 'bad.csv');
    writeFileSync(bad, 'fname,summary\ntest_0,nan\n');
    const invalid = await autoexp(['validate-submission', bad, '--sample', join(ws, 'sample.csv')]);
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toMatch(/39 fname\(s\) of the sample have no prediction \(first 10: test_1, .*Generate predictions/);
    expect(invalid.stderr).toMatch(/empty or null .*test_0.*--allow-empty/);

    const json = await autoexp(['validate-submission', bad, '--sample', join(ws, 'sample.csv'), '--json']);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, stats: { missing: 39, empty: 1 } });

    expect((await autoexp(['validate-submission', good])).code).toBe(2);
    expect((await autoexp(['submit', '--experiment', 'x'])).code).toBe(2);
  });

  it('refuses a file whose every row is one summary; --allow-degenerate lets it through with a warning and the index says so', async () => {
    const constant = join(ws, 'constant.csv');
    writeFileSync(constant, `fname,summary\n${Array.from({ length: SAMPLE_ROWS }, (_, i) => `test_${i},#Person1#는 #Person2#에게 이야기합니다.`).join('\n')}\n`);
    const sample = join(ws, 'sample.csv');
    const refused = await autoexp(['validate-submission', constant, '--sample', sample]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/INVALID[\s\S]*identical summaries\): 100\.0% of rows \(40 of 40\) are the same summary "#Person1#는 #Person2#에게 이야기합니다\." \(e\.g\. test_0, test_1\)\. Usually: too few training steps/);
    expect(refused.stderr).toMatch(/--allow-degenerate/);
    const allowed = await autoexp(['validate-submission', constant, '--sample', sample, '--allow-degenerate']);
    expect(allowed.code).toBe(0);
    expect(allowed.stderr).toMatch(/^warning: .*identical summaries.*Accepted because of allow_degenerate/m);
    // Not degenerate: the flag changes nothing.
    expect((await autoexp(['validate-submission', writePredictions(ws, 'fine'), '--sample', sample, '--allow-degenerate'])).code).toBe(0);

    const other = mkdtempSync(join(tmpdir(), 'autoexp-degen-'));
    try {
      const args = ['submit', '--experiment', 'const', '--predictions', constant, '--sample', sample, '--workspace', other];
      const no = await autoexp(args);
      expect(no.code).toBe(1);
      expect(no.stderr).toMatch(/nothing was written[\s\S]*identical summaries/);
      expect(existsSync(join(other, 'prediction'))).toBe(false);
      const yes = await autoexp([...args, '--allow-degenerate']);
      expect(yes.code).toBe(0);
      const index = parse(readFileSync(join(other, 'prediction/experiment_index.csv')), { columns: true }) as Record<string, string>[];
      expect(index.map((r) => r.warnings)).toEqual(['identical 100.0% (refused: allowed by allow_degenerate)']);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });

  it('submit --experiment exp-<name> (a project name) records the experiment <name> when experiments/<name>/ holds it', async () => {
    const other = mkdtempSync(join(tmpdir(), 'autoexp-typed-'));
    try {
      mkdirSync(join(other, 'experiments', 'demo'), { recursive: true });
      writeFileSync(join(other, 'experiments', 'demo', 'experiment.yaml'), 'model: {type: seq2seq}\n');
      writeFileSync(join(other, 'sample.csv'), readFileSync(join(ws, 'sample.csv')));
      writeFileSync(join(other, 'metrics.json'), readFileSync(join(ws, 'metrics.json')));
      const r = await autoexp(submitArgs(other, 'exp-demo', writePredictions(ws, 'typed')));
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/upload: +prediction\/demo_\d{8}T\d{9}Z\/output\.csv/);
      expect(readIndexRows(other).map((row) => [row.experiment, row.project])).toEqual([['demo', 'exp-demo']]);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });

  it('submit writes nothing for invalid predictions, records valid ones, leaderboard reads them', async () => {
    const bad = join(ws, 'bad.csv');
    const refused = await autoexp(submitArgs(ws, 'demo', bad));
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/nothing was written/);
    expect(existsSync(join(ws, 'prediction'))).toBe(false);

    const res = await autoexp(submitArgs(ws, 'demo', writePredictions(ws, 'demo')));
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/upload: +prediction\/demo_\d{8}T\d{9}Z\/output\.csv/);
    const lb = await autoexp(['leaderboard', '--json', '--workspace', ws]);
    expect(lb.code).toBe(0);
    expect(JSON.parse(lb.stdout)).toEqual([expect.objectContaining({ rank: 1, experiment: 'demo', score: 0.71 / 3 })]);
    const table = await autoexp(['leaderboard', '--workspace', ws]);
    expect(table.stdout).toMatch(/1 +demo +23\.67 +31\.00 +12\.00 +28\.00/);
  });
});

describe('concurrency and crashes (real processes)', () => {
  it('8 concurrent submitters x 25 rounds add exactly 200 parseable rows', async () => {
    const ws = makeWorkspace();
    try {
      const seed = await autoexp(submitArgs(ws, 'seed', writePredictions(ws, 'seed')));
      expect(seed.code).toBe(0);
      const indexBefore = readFileSync(join(ws, 'prediction', 'experiment_index.csv'), 'utf8');
      const WORKERS = 8;
      const ROUNDS = 25;
      const preds = Array.from({ length: WORKERS }, (_, w) => Array.from({ length: ROUNDS }, (_, r) => writePredictions(ws, `w${w}r${r}`)));
      const started = Date.now();
      const failures: string[] = [];
      await Promise.all(
        preds.map(async (rounds, w) => {
          for (const p of rounds) {
            const res = await autoexp(submitArgs(ws, `w${w}`, p));
            if (res.code !== 0) failures.push(`w${w} ${p}: exit ${res.code}\n${res.stderr}`);
          }
        }),
      );
      const elapsed = Date.now() - started;
      expect(failures).toEqual([]);

      const indexAfter = readFileSync(join(ws, 'prediction', 'experiment_index.csv'), 'utf8');
      expect(indexAfter.startsWith(indexBefore)).toBe(true); // earlier rows untouched
      const { rows, temps } = checkPredictionTree(ws);
      const fresh = rows.slice(1);
      expect(fresh).toHaveLength(WORKERS * ROUNDS);
      expect(new Set(rows.map((r) => `${r.experiment}/${r.timestamp}`)).size).toBe(rows.length);
      expect(new Set(rows.map((r) => r.predictions_sha256)).size).toBe(rows.length);
      for (let w = 0; w < WORKERS; w++) expect(fresh.filter((r) => r.experiment === `w${w}`)).toHaveLength(ROUNDS);
      expect(fresh.filter((r) => r.project !== `exp-${r.experiment}`)).toEqual([]);
      expect(readdirSync(join(ws, 'prediction', 'history'))).toHaveLength(rows.length);
      // latest_output.csv is written under the lock: it is the last index row's output.
      expect(readFileSync(join(ws, 'prediction', 'latest_output.csv'), 'utf8')).toBe(readFileSync(join(ws, rows[rows.length - 1].output_path), 'utf8'));
      expect(temps).toEqual([]);
      console.log(`[submission] 8 x 25 concurrent submits: ${fresh.length} new rows, ${elapsed} ms for 200 processes`);
    } finally {
      rmSync(ws, { recursive: true, force: true });
    }
  });

  it('kill -9 at random moments leaves only complete files, and a stale lock is recovered', async () => {
    const ws = makeWorkspace();
    const env = { AUTOEXP_LOCK_STALE_MS: '2000' };
    const seedValue = Number(process.env.SUBMISSION_TEST_SEED ?? Date.now() % 1e9);
    const rand = prng(seedValue);
    const lockDir = join(ws, 'prediction', 'experiment_index.csv.lock');
    console.log(`[submission] kill -9 schedule seed ${seedValue} (replay: SUBMISSION_TEST_SEED=${seedValue})`);
    try {
      // Kill delays scale with how long a submit takes on this machine right now, so
      // kills land in every phase (startup, validation, lock wait, critical section).
      const t = Date.now();
      expect((await autoexp(submitArgs(ws, 'seed', writePredictions(ws, 'seed')), env)).code).toBe(0);
      const submitMs = Date.now() - t;
      let completed = 0;
      let killed = 0;
      let lockLeft = 0;
      const completedIds: string[] = [];
      const ITER = 30;
      for (let i = 0; i < ITER; i++) {
        const runs = [0, 1].map((j) => start(submitArgs(ws, `k${j}`, writePredictions(ws, `k${i}-${j}`)), env));
        // The first pair is killed at once (a kill that surely lands); the rest at random moments.
        await new Promise((r) => setTimeout(r, i === 0 ? 0 : Math.floor(rand() * 2 * submitMs)));
        for (const run of runs) run.child.kill('SIGKILL');
        for (const res of await Promise.all(runs.map((r) => r.done))) {
          if (res.signal === 'SIGKILL') killed++;
          else if (res.code === 0) {
            completed++;
            completedIds.push(/submitted (\S+) at (\S+)/.exec(res.stdout)!.slice(1, 3).join('/'));
          }
          else throw new Error(`submit failed without being killed (seed ${seedValue}): ${res.stderr}`);
        }
        if (existsSync(lockDir)) {
          // Both processes are dead, so this lock is stale: age it past the stale window
          // (as if 2 s had passed) so the next iteration's submits reclaim it mid-test.
          lockLeft++;
          const old = new Date(Date.now() - 60_000);
          utimesSync(lockDir, old, old);
        }
      }
      // The faults landed: at least the pair killed at once (the seed is in the diff when this fails).
      expect({ seed: seedValue, killedAtLeastTwo: killed >= 2 }).toEqual({ seed: seedValue, killedAtLeastTwo: true });
      const afterKills = checkPredictionTree(ws);
      // Every submit that exited 0 is in the index; a killed one may be too (killed after its commit point).
      const ids = new Set(afterKills.rows.map((r) => `${r.experiment}/${r.timestamp}`));
      for (const id of completedIds) expect(ids.has(id)).toBe(true);
      expect(afterKills.rows.length).toBeGreaterThanOrEqual(1 + completed);
      expect(afterKills.rows.length).toBeLessThanOrEqual(1 + 2 * ITER);

      // Readers ignore the leftovers: the leaderboard lists exactly the index rows.
      const lb = await autoexp(['leaderboard', '--json', '--all', '--workspace', ws]);
      expect(lb.code).toBe(0);
      expect(JSON.parse(lb.stdout)).toHaveLength(afterKills.rows.length);

      // A lock held by a process that is then killed: the next submit takes it over.
      const holder = start([ws], env, HOLD_LOCK);
      await new Promise<void>((res, rej) => {
        holder.child.stdout!.on('data', (c) => String(c).includes('locked') && res());
        holder.done.then((r) => rej(new Error(`lock holder exited early: ${r.stderr}`)));
      });
      holder.child.kill('SIGKILL');
      await holder.done;
      expect(existsSync(lockDir)).toBe(true);
      const t0 = Date.now();
      const after = await autoexp(submitArgs(ws, 'after', writePredictions(ws, 'after')), env);
      const recoverMs = Date.now() - t0;
      expect(after.stderr).not.toMatch(/could not lock/);
      expect(after.code).toBe(0);
      expect(existsSync(lockDir)).toBe(false);
      const final = checkPredictionTree(ws);
      expect(final.rows).toHaveLength(afterKills.rows.length + 1);
      expect(final.rows[final.rows.length - 1].experiment).toBe('after');
      console.log(
        `[submission] kill -9 (seed ${seedValue}, delays 0..${Math.round(2 * submitMs)} ms): ${ITER * 2} submits, ${killed} killed, ${completed} completed, ${afterKills.rows.length - 1 - completed} killed after their index commit, ` +
          `${lockLeft} kills left the lock held by a dead process (reclaimed by later submits), ${afterKills.temps.length} temp leftovers ignored; ` +
          `stale lock recovered by the next submit in ${recoverMs} ms (stale window 2000 ms)`,
      );
    } finally {
      rmSync(ws, { recursive: true, force: true });
    }
  });
});
