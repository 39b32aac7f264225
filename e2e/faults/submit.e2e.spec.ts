/**
 * Issue 7, submit faults: a missing or different sample_submission, submits
 * killed (SIGKILL) at random moments, and 8 submits at once through nx.
 * prediction/ files are always old or new and whole, never torn or lost.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { REPO, Workspace } from '../workspace';
import { addExperiment, copySampleData, dataSection, expectFault, expectOldFilesKept, faultWorkspace, note, predictCmd, standInYaml } from './support';
import { prng } from '../../packages/nx-autoexp/tests/support/prng';
import { INDEX_COLUMNS } from '../../packages/nx-autoexp/src/core/submission';

const sha = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');


/** Names only killed submits leave (temps, staging folders, locks); readers ignore them. */
const isTempName = (name: string) => name.startsWith('.') || name.endsWith('.lock') || name.includes('.lock.stale-');

/**
 * Every visible file under prediction/ is whole: CSVs parse strictly with the
 * sample's header and row count, each submission folder has exactly its two
 * files, every index row points at files whose sha256 it records.
 */
function expectWholeTree(ws: Workspace, sampleRows: number): Record<string, string>[] {
  const pred = join(ws.root, 'prediction');
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (isTempName(name)) continue;
      if (statSync(p).isDirectory()) {
        // baselines/: one whole JSON per dev set (the trivial predictors' scores).
        if (dir === pred && name === 'baselines') {
          for (const f of readdirSync(p).filter((n) => !isTempName(n))) expect([f, JSON.parse(readFileSync(join(p, f), 'utf8')).key]).toEqual([f, f.replace(/\.json$/, '')]);
          continue;
        }
        // history/ holds copies; every other folder is a submission.
        if (dir === pred && name !== 'history') expect([name, readdirSync(p).filter((n) => !isTempName(n)).sort()]).toEqual([name, ['experiment_metadata.json', 'output.csv']]);
        walk(p);
      } else if (name === 'experiment_index.csv') {
        continue;
      } else if (name.endsWith('.csv')) {
        const [header, ...rows] = parse(readFileSync(p), { relax_column_count: false }) as string[][];
        expect([p, header]).toEqual([p, ['fname', 'summary']]);
        expect([p, rows.length]).toEqual([p, sampleRows]);
      } else {
        expect([p, JSON.parse(readFileSync(p, 'utf8')).predictions.sha256]).toEqual([p, expect.stringMatching(/^[0-9a-f]{64}$/)]);
      }
    }
  };
  walk(pred);
  const [header, ...rows] = parse(readFileSync(join(pred, 'experiment_index.csv')), { relax_column_count: false }) as string[][];
  expect(header).toEqual(INDEX_COLUMNS);
  const recs = rows.map((r) => Object.fromEntries(INDEX_COLUMNS.map((c, i) => [c, r[i]])));
  for (const r of recs) expect([r.output_path, sha(join(ws.root, r.output_path))]).toEqual([r.output_path, r.predictions_sha256]);
  // latest_output.csv is one of the recorded submissions, whole.
  expect(recs.map((r) => r.predictions_sha256)).toContain(sha(join(pred, 'latest_output.csv')));
  return recs;
}

describe('faults: submit', () => {
  const { ws, before } = faultWorkspace('submit');
  let sampleRows: number;
  beforeAll(() => {
    sampleRows = (parse(ws.read('data/sample/sample_submission.csv'), { columns: true }) as unknown[]).length;
  });

  it('sample_submission missing: names the path and the key to set', () => {
    copySampleData(ws, 's-no-sample');
    addExperiment(ws, 's-no-sample', standInYaml({ extra: dataSection('s-no-sample', { sample_submission: 'nope.csv' }) }));
    const r = ws.nx('run', 'exp-s-no-sample:submit');
    expectFault(ws, r, before, ['sample submission not found', 'data/s-no-sample/nope.csv', 'data.sample_submission']);
    expect(ws.exists('runs/s-no-sample/submit/receipt.json')).toBe(false);
  });

  it('sample_submission with another header (id,summary): names the column, nothing written', () => {
    copySampleData(ws, 's-header');
    ws.edit('data/s-header/sample_submission.csv', (t) => t.replace(/^fname,summary/, 'id,summary'));
    addExperiment(ws, 's-header', standInYaml({ extra: dataSection('s-header') }));
    const r = ws.nx('run', 'exp-s-header:submit');
    expectFault(ws, r, before, ['nothing was written', 'sample_submission.csv', /fname/]);
    expect(ws.exists('runs/s-header/submit/receipt.json')).toBe(false);
  });

  it('sample_submission and test.csv disagree (a fname only in the sample): names the fname, nothing written', () => {
    copySampleData(ws, 's-mismatch');
    ws.edit('data/s-mismatch/sample_submission.csv', (t) => t.replace(/^test_7,/m, 'test_999,'));
    addExperiment(ws, 's-mismatch', standInYaml({ extra: dataSection('s-mismatch') }));
    const r = ws.nx('run', 'exp-s-mismatch:submit');
    expectFault(ws, r, before, ['nothing was written', 'test_999']);
    expect(ws.exists('runs/s-mismatch/submit/receipt.json')).toBe(false);
  });

  it('submits killed (SIGKILL) at random moments: every file old or new and whole, never torn', async () => {
    const seed = Number(process.env.FAULTS_SEED ?? Date.now() % 1e9);
    const rand = prng(seed);
    console.log(`faults/submit: kill schedule seed ${seed} (replay: FAULTS_SEED=${seed})`);
    const test = parse(ws.read('data/sample/test.csv'), { columns: true }) as Record<string, string>[];
    const writePreds = (tag: string) => {
      ws.write(`tmp/pred-${tag}.csv`, stringify([['fname', 'summary'], ...test.map((r) => [r.fname, `${tag} 요약, "인용"\n${r.fname}`])]));
      return `tmp/pred-${tag}.csv`;
    };
    const start = (exp: string, preds: string) => {
      const child: ChildProcess = spawn(process.execPath, [join(REPO, 'packages/nx-autoexp/bin/autoexp.js'), 'submit', '--experiment', exp, '--predictions', preds, '--sample', 'data/sample/sample_submission.csv', '--workspace', '.'], {
        cwd: ws.root,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, AUTOEXP_LOCK_STALE_MS: '2000' },
      });
      let out = '';
      child.stdout!.on('data', (c) => (out += c));
      child.stderr!.on('data', (c) => (out += c));
      const done = new Promise<{ code: number | null; signal: string | null; out: string }>((ok) => child.on('close', (code, signal) => ok({ code, signal, out })));
      return { child, done };
    };
    // Kill delays scale with how long two concurrent submits take here, so kills land in every phase.
    const t0 = Date.now();
    const firsts = await Promise.all(['a', 'b'].map((t) => start('exp-k', writePreds(`first-${t}`)).done));
    for (const f of firsts) expect(f.code).toBe(0);
    const pairMs = Date.now() - t0;
    const completed: string[] = [];
    let killed = 0;
    // Stratified delays over 0..1.5x a pair's time: early, mid-write and after-commit kills all happen.
    const ITER = 6;
    for (let i = 0; i < ITER; i++) {
      const runs = [0, 1].map((j) => start(`exp-k${j}`, writePreds(`k${i}-${j}`)));
      // The first pair is killed at once, so at least two kills surely land.
      await new Promise((ok) => setTimeout(ok, i === 0 ? 0 : Math.floor(((i + rand()) / ITER) * 1.5 * pairMs)));
      for (const r of runs) r.child.kill('SIGKILL');
      for (const res of await Promise.all(runs.map((r) => r.done))) {
        if (res.signal === 'SIGKILL') killed++;
        else if (res.code === 0) completed.push(/submitted (\S+) at (\S+)/.exec(res.out)!.slice(1, 3).join('/'));
        else throw new Error(`submit failed without being killed (seed ${seed}): ${res.out}`);
      }
    }
    expect({ seed, killedAtLeastTwo: killed >= 2 }).toEqual({ seed, killedAtLeastTwo: true });
    note('', `ok: ${killed} of ${2 * ITER} submits killed, ${completed.length} completed (delays 0..${Math.round(1.5 * pairMs)} ms); every file whole (seed ${seed})`);
    const rows = expectWholeTree(ws, sampleRows);
    const ids = new Set(rows.map((r) => `${r.experiment}/${r.timestamp}`));
    for (const id of completed) expect(ids.has(id)).toBe(true);
    expectOldFilesKept(ws, before);
    // The next submit after the kills works (a lock left by a killed one is taken over).
    const after = await start('exp-after', writePreds('after')).done;
    expect(after.out).not.toMatch(/could not lock/);
    expect(after.code).toBe(0);
    expect(expectWholeTree(ws, sampleRows).pop()!.experiment).toBe('exp-after');
  });

  it('8 concurrent submits (nx run-many --parallel=8): 8 whole folders, 8 history copies, 8 index rows', () => {
    const names = Array.from({ length: 8 }, (_, i) => `s-par${i + 1}`);
    for (const n of names) addExperiment(ws, n, standInYaml({ predict: 'ok', infer: `infer:\n  timeout_s: 120\n  strategies:\n    - name: standin\n      command: "${predictCmd('ok', n)}"\n` }));
    const rowsBefore = expectWholeTree(ws, sampleRows).length;
    const historyBefore = ws.list('prediction/history').length;
    const r = ws.nx('run-many', '-t', 'submit', `--projects=${names.map((n) => `exp-${n}`).join(',')}`, '--parallel=8');
    note(r.out, r.code === 0 ? 'ok: 8 submissions recorded' : undefined);
    expect(r.code).toBe(0);
    const rows = expectWholeTree(ws, sampleRows);
    expect(rows).toHaveLength(rowsBefore + 8);
    expect(rows.slice(-8).map((x) => [x.experiment, x.project]).sort()).toEqual(names.map((n) => [n, `exp-${n}`]).sort());
    expect(new Set(rows.slice(-8).map((x) => x.predictions_sha256)).size).toBe(8);
    expect(ws.list('prediction/history')).toHaveLength(historyBefore + 8);
    expectOldFilesKept(ws, before);
  });
});
