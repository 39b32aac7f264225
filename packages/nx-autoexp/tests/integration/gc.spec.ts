/**
 * `autoexp gc` as a real process against a workspace of 3 experiments with
 * several runs each: the dry run names exactly the folders nothing needs,
 * --yes removes only those, and kill -9 at random moments never leaves a
 * half-deleted checkpoint that a finder would accept.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { loadExperiment } from '../../src/core/config/load-experiment';
import { validateCheckpoint } from '../../src/core/checkpoints';
import { runProcess } from '../../src/core/process/run-process';
import { tmpRoot, writeCheckpoint, writeJson, writeRunRecord } from '../../src/core/checkpoints/__fixtures__/build-tree';
import { buildCli, WS } from './support/build-cli';
import { prng } from '../support/prng';

let build: string;
let main: string;
let root: string;

beforeAll(async () => {
  build = await buildCli('gc-cli', 'cli/main.ts', ['cli/main.js', 'cli/commands/gc.js']);
  main = join(build, 'dist/cli/main.js');
}, 120_000);
afterAll(() => rmSync(build, { recursive: true, force: true }));
beforeEach(() => {
  root = tmpRoot('gc-');
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const OLD = new Date('2026-01-01T00:00:00Z');

async function gc(...args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const res = await runProcess(process.execPath, [main, 'gc', ...args], { cwd: root, onStdoutLine: (l) => out.push(l), onStderrLine: (l) => err.push(l) });
  return { code: res.exitCode, out: out.join('\n'), err: err.join('\n') };
}

function experiment(name: string, yaml = ''): string {
  mkdirSync(join(root, 'experiments', name), { recursive: true });
  writeFileSync(join(root, 'experiments', name, 'experiment.yaml'), `model:\n  type: seq2seq\n  init: random\n  architecture: bart\ntrain:\n  max_steps: 100\n${yaml}`);
  return loadExperiment(root, name).hashes.train;
}

/** One run: checkpoints at `steps` with eval_score `scores[i]`, files old enough not to look busy. */
function run(exp: string, id: string, o: { hash: string; status: 'running' | 'completed' | 'failed'; day: number; steps: number[]; scores: number[]; files?: number }): string[] {
  const runDir = join(root, 'outputs', exp, id);
  writeRunRecord(runDir, { run_id: id, experiment: exp, config_hash: o.hash, status: o.status, started_at: `2026-01-${String(o.day).padStart(2, '0')}T00:00:00Z` });
  const evals = o.steps.map((s, i) => ({ step: s, eval_score: o.scores[i] }));
  const paths = o.steps.map((s) => {
    const dir = writeCheckpoint(join(runDir, `checkpoint-${s}`), { state: { globalStep: s, evals } });
    // Bulk like optimizer.pt and friends, so a delete takes long enough to be cut by a kill.
    for (let f = 0; f < (o.files ?? 0); f++) writeFileSync(join(dir, `extra-${f}.bin`), Buffer.alloc(4096, f));
    return dir;
  });
  for (const p of [...paths, runDir]) {
    for (const n of readdirSync(p)) utimesSync(join(p, n), OLD, OLD);
    utimesSync(p, OLD, OLD);
  }
  return paths.map((p) => relative(root, p));
}

/** A workspace: a, b, c, each with several runs; manifests and a submission pin some checkpoints. */
function workspace(files = 0) {
  mkdirSync(join(root, 'config'), { recursive: true });
  copyFileSync(join(WS, 'config', 'base.yaml'), join(root, 'config', 'base.yaml'));
  const ha = experiment('a');
  const hb = experiment('b', '  learning_rate: 0.001\n');
  const hc = experiment('c', '  learning_rate: 0.002\n');
  const a1 = run('a', 'a-r1', { hash: 'old', status: 'completed', day: 1, steps: [20, 40, 60], scores: [0.2, 0.5, 0.3], files });
  const a2 = run('a', 'a-r2', { hash: ha, status: 'completed', day: 2, steps: [20, 40, 60], scores: [0.3, 0.4, 0.45], files });
  const b1 = run('b', 'b-r1', { hash: hb, status: 'completed', day: 3, steps: [20, 40], scores: [0.1, 0.2], files });
  const b2 = run('b', 'b-r2', { hash: hb, status: 'failed', day: 4, steps: [20, 40, 60], scores: [0.3, 0.35, 0.1], files });
  const c1 = run('c', 'c-r1', { hash: hc, status: 'completed', day: 5, steps: [20, 40], scores: [0.6, 0.1], files });
  const c2 = run('c', 'c-r2', { hash: hc, status: 'completed', day: 6, steps: [20, 40], scores: [0.2, 0.3], files });
  // Another experiment's run inside c's output folder is never touched.
  const stray = run('c', 'x-r1', { hash: 'h', status: 'completed', day: 1, steps: [20], scores: [0.1], files });
  writeRunRecord(join(root, 'outputs', 'c', 'x-r1'), { run_id: 'x-r1', experiment: 'x', config_hash: 'h', status: 'completed', started_at: '2026-01-01T00:00:00Z' });
  // a's manifest names its current run's step 40; a submission of b named b-r1's step 20.
  mkdirSync(join(root, 'runs', 'a', 'train'), { recursive: true });
  writeJson(join(root, 'runs', 'a', 'train', 'checkpoint.json'), { version: 1, path: a2[1] });
  mkdirSync(join(root, 'prediction', 'b_20260103T000000000Z'), { recursive: true });
  writeJson(join(root, 'prediction', 'b_20260103T000000000Z', 'experiment_metadata.json'), { checkpoint: { path: b1[0] } });
  writeFileSync(
    join(root, 'prediction', 'experiment_index.csv'),
    'experiment,timestamp,status,smoke,checkpoint,step,score,rouge1,rouge2,rougeL,metric,strategy,config_hash,predictions_sha256,output_path,metadata_path,tracker,warnings,note\n' +
      `b,20260103T000000000Z,ok,false,,20,0.1,0.1,0.1,0.1,mean/mean/mecab,fast,${hb},x,prediction/b_20260103T000000000Z/output.csv,prediction/b_20260103T000000000Z/experiment_metadata.json,,,\n`,
  );
  return { a1, a2, b1, b2, c1, c2, stray };
}

it('dry run lists exactly the unneeded folders per experiment and deletes nothing; --yes removes only those', async () => {
  const w = workspace();
  // Expected keeps, per experiment:
  //  a: a2/40 (manifest), a1/40 (best, 0.5), a2/60 (newest). Goes: a1/20, a1/60, a2/20.
  //  b: b1/20 (submission), b2/60 (resume point: b2 is the newest run with b's config and failed),
  //     b2/40 (best 0.35); b2/60 is also the newest. Goes: b1/40, b2/20.
  //  c: c1/20 (best 0.6), c2/40 (newest). Goes: c1/40, c2/20. The stray run of experiment x stays.
  const goes = [w.a1[0], w.a1[2], w.a2[0], w.b1[1], w.b2[0], w.c1[1], w.c2[0]].sort();
  const kept = [w.a2[1], w.a1[1], w.a2[2], w.b1[0], w.b2[2], w.b2[1], w.c1[0], w.c2[1], ...w.stray].sort();

  const dry = await gc('--json');
  expect(dry.code).toBe(0);
  const plan = JSON.parse(dry.out);
  const listed = (keep: boolean) =>
    plan.experiments
      .flatMap((e: { items: { path: string; keep: string | null }[] }) => e.items)
      .filter((i: { keep: string | null }) => (i.keep === null) === !keep)
      .map((i: { path: string }) => relative(root, i.path))
      .sort();
  expect(listed(false)).toEqual(goes);
  const b = plan.experiments.find((e: { experiment: string }) => e.experiment === 'b');
  const why = (p: string) => b.items.find((i: { path: string }) => relative(root, i.path) === p).keep;
  expect(why(w.b1[0])).toMatch(/^submission b 20260103T000000000Z/);
  expect(why(w.b2[2])).toMatch(/^resume point of the unfinished run b-r2/);
  expect(plan.experiments.find((e: { experiment: string }) => e.experiment === 'c').notes).toEqual(['1 checkpoint folder(s) outside this experiment\'s run records were left alone']);

  const table = await gc();
  expect(table.out).toMatch(/^a \(outputs\/a\): 3 of 6 checkpoint folder\(s\) go, \d+\.\d\d GB freed$/m);
  expect(table.out).toMatch(new RegExp(`^  keep  ${w.a2[1]} +manifest runs/a/train/checkpoint.json$`, 'm'));
  expect(table.out).toMatch(/dry run: nothing was deleted/);
  for (const p of [...goes, ...kept]) expect(existsSync(join(root, p))).toBe(true);

  const yes = await gc('--yes');
  expect(yes.code).toBe(0);
  expect(yes.out).toMatch(/removed 7 checkpoint folder\(s\)/);
  expect(goes.filter((p) => existsSync(join(root, p)))).toEqual([]);
  expect(kept.filter((p) => !validateCheckpoint(join(root, p)).valid)).toEqual([]);
  // No hidden leftovers either.
  expect(readdirSync(join(root, 'outputs', 'a', 'a-r1')).filter((n) => n.startsWith('.'))).toEqual([]);
});

it('--keep-best/--keep-last/--experiment/--older-than narrow what goes; bad values are usage errors', async () => {
  const w = workspace();
  const only = JSON.parse((await gc('--json', '--experiment', 'c', '--keep-best', '0', '--keep-last', '0')).out);
  expect(only.experiments.map((e: { experiment: string }) => e.experiment)).toEqual(['c']);
  expect(only.experiments[0].items.filter((i: { keep: string | null }) => i.keep === null).map((i: { path: string }) => relative(root, i.path)).sort()).toEqual([...w.c1, ...w.c2].sort());
  // Everything is from January 2026: younger than a huge --older-than, so nothing goes.
  const young = JSON.parse((await gc('--json', '--older-than', '100000')).out);
  expect(young.experiments.flatMap((e: { items: { keep: string | null }[] }) => e.items).filter((i: { keep: string | null }) => i.keep === null)).toEqual([]);
  expect((await gc('--keep-best', 'two')).code).toBe(2);
  const unknown = await gc('--experiment', 'nope');
  expect(unknown.code).toBe(2);
  expect(unknown.err).toMatch(/no experiment 'nope'.*known: a, b, c/);
});

it('kill -9 at random moments of gc --yes: every checkpoint is whole or absent, and the next gc finishes the job', async () => {
  const seed = Number(process.env.GC_TEST_SEED ?? Date.now() % 1e9);
  const rand = prng(seed);
  console.log(`[gc] kill -9 schedule seed ${seed} (replay: GC_TEST_SEED=${seed})`);
  const w = workspace(800);
  const all = Object.values(w).flat();
  const goes = new Set([w.a1[0], w.a1[2], w.a2[0], w.b1[1], w.b2[0], w.c1[1], w.c2[0]]);
  const fileCount = (p: string) => readdirSync(join(root, p)).length;
  const whole = new Map(all.map((p) => [p, fileCount(p)]));
  let killed = 0;
  let midDelete = 0;
  for (let i = 0; i < 8; i++) {
    const child = spawn(process.execPath, [main, 'gc', '--yes'], { cwd: root, stdio: 'ignore' });
    const done = new Promise<NodeJS.Signals | null>((res) => child.on('close', (_c, sig) => res(sig)));
    // The first one is killed at once (a kill that surely lands); the others a random 0-40 ms after
    // their first rename, i.e. while deleting.
    const goneBefore = [...goes].filter((p) => !existsSync(join(root, p))).length;
    let timer: NodeJS.Timeout | undefined;
    const poll = setInterval(() => {
      if (i === 0 || [...goes].filter((p) => !existsSync(join(root, p))).length > goneBefore) {
        clearInterval(poll);
        timer = setTimeout(() => child.kill('SIGKILL'), i === 0 ? 0 : Math.floor(rand() * 40));
      }
    }, 1);
    const sig = await done;
    clearInterval(poll);
    clearTimeout(timer);
    if (sig === 'SIGKILL') {
      killed++;
      if (i > 0) midDelete++;
    }
    for (const p of all) {
      if (!existsSync(join(root, p))) {
        expect({ p, goes: goes.has(p) }).toEqual({ p, goes: true });
        continue;
      }
      // Present means untouched: every file there, valid to the finder.
      expect({ p, files: fileCount(p), valid: validateCheckpoint(join(root, p)).valid }).toEqual({ p, files: whole.get(p), valid: true });
    }
    if (sig !== 'SIGKILL') break;
  }
  console.log(`[gc] ${killed} gc --yes run(s) killed, ${midDelete} of them while deleting (seed ${seed})`);
  expect({ seed, killedAtOnce: killed >= 1, killedWhileDeleting: midDelete >= 1 }).toEqual({ seed, killedAtOnce: true, killedWhileDeleting: true });
  const fin = await gc('--yes');
  expect(fin.code).toBe(0);
  expect(all.filter((p) => existsSync(join(root, p)) === goes.has(p))).toEqual([]);
  const hidden = (d: string): string[] => readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? [...(e.name.startsWith('.autoexp-gc-') ? [e.name] : []), ...hidden(join(d, e.name))] : []));
  expect(hidden(join(root, 'outputs'))).toEqual([]);
}, 120_000);
