/**
 * Shared helpers of the fault suite: the prediction/ snapshot, experiments
 * wired to stand-in trainers/predictors, and a real seed submission so that
 * "prediction/ unchanged" compares a non-empty tree.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { liveGroupMembers as groupMembers, waitGroupGone as untilGroupGone } from '../../packages/nx-autoexp/src/core/process/process-group';
import { Run, Workspace } from '../workspace';

export const STAND_INS = join(__dirname, 'stand-ins');
export const FAKE_TRAIN = join(STAND_INS, 'fake-train.js');
export const FAKE_PREDICT = join(STAND_INS, 'fake-predict.js');

/** relative path -> sha256 of every file under dir (empty map when dir is absent). */
export function snapshotTree(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.set(relative(dir, p), createHash('sha256').update(readFileSync(p)).digest('hex'));
    }
  };
  if (existsSync(dir)) walk(dir);
  return out;
}

export const predictionSnapshot = (ws: Workspace) => snapshotTree(join(ws.root, 'prediction'));

/** Stand-in commands as they go into experiment.yaml (node resolves csv-parse from the repo). */
export const trainCmd = (mode: string, extra = '') => `node ${FAKE_TRAIN} ${mode} {run_dir}${extra ? ' ' + extra : ''}`;
export const predictCmd = (mode: string, extra = '') => `node ${FAKE_PREDICT} ${mode} {input} {output}${extra ? ' ' + extra : ''}`;

export interface StandInOptions {
  train?: string;
  predict?: string;
  /** Extra YAML appended at the top level (e.g. a data: section). */
  extra?: string;
  /** Replaces the infer section. */
  infer?: string;
}

/** YAML of an experiment that trains and predicts with the stand-ins. */
export function standInYaml(o: StandInOptions = {}): string {
  const infer = o.infer ?? `infer:\n  timeout_s: 60\n  strategies:\n    - name: standin\n      command: "${predictCmd(o.predict ?? 'ok')}"\n`;
  return [
    'model:',
    '  type: seq2seq',
    '  init: random',
    '  architecture: bart',
    'train:',
    `  command: "${o.train ?? trainCmd('complete')}"`,
    'checkpoint:',
    '  policy: best',
    infer.trimEnd(),
    o.extra?.trimEnd() ?? '',
    '',
  ].join('\n');
}

/** The model and preprocess sections of the smallest real BART the trainer trains in milliseconds a step. */
export const TINY_BART_YAML = `model:
  type: seq2seq
  init: random
  architecture: bart
  config_overrides: { d_model: 32, encoder_layers: 1, decoder_layers: 1, encoder_attention_heads: 2, decoder_attention_heads: 2, encoder_ffn_dim: 64, decoder_ffn_dim: 64, max_position_embeddings: 128 }
  tokenizer: { vocab_size: 500 }
preprocess: { max_source_length: 64, max_target_length: 24 }
`;

export function addExperiment(ws: Workspace, name: string, yaml: string): void {
  mkdirSync(join(ws.root, 'experiments', name), { recursive: true });
  ws.write(`experiments/${name}/experiment.yaml`, yaml);
}

/** A copy of data/sample under data/<dir> to break one file of. */
export function copySampleData(ws: Workspace, dir: string): void {
  mkdirSync(join(ws.root, 'data', dir), { recursive: true });
  for (const f of ['train.csv', 'dev.csv', 'test.csv', 'sample_submission.csv']) ws.write(`data/${dir}/${f}`, ws.read(`data/sample/${f}`));
}

export const dataSection = (dir: string, files: Record<string, string> = {}) =>
  ['data:', `  dir: data/${dir}`, ...Object.entries(files).map(([k, v]) => `  ${k}: ${v}`)].join('\n');

/**
 * Puts one real submission into prediction/ (through the CLI, so it is fast):
 * every fault case then proves it leaves these files byte-identical.
 */
export function seedSubmission(ws: Workspace): Map<string, string> {
  const test = ws.read('data/sample/test.csv');
  const { parse } = require('csv-parse/sync') as typeof import('csv-parse/sync');
  const { stringify } = require('csv-stringify/sync') as typeof import('csv-stringify/sync');
  const rows = parse(test, { columns: true, bom: true }) as Record<string, string>[];
  mkdirSync(join(ws.root, 'tmp'), { recursive: true });
  ws.write('tmp/seed-predictions.csv', stringify([['fname', 'summary'], ...rows.map((r) => [r.fname, `시드 요약 ${r.fname}`])]));
  const r = ws.autoexp('submit', '--experiment', 'exp-seed', '--predictions', 'tmp/seed-predictions.csv', '--sample', 'data/sample/sample_submission.csv', '--workspace', '.');
  if (r.code !== 0) throw new Error(`seed submission failed:\n${r.out}`);
  const snap = predictionSnapshot(ws);
  if (snap.size < 4) throw new Error(`seed submission wrote only ${[...snap.keys()].join(', ')}`);
  return snap;
}

/**
 * The workspace of one fault file, reset before each case to the same prepared copy (the repo,
 * the seed submission, a warm Nx graph cache), so no case sees another's experiments, runs,
 * locks or Nx cache, and one failure is one red test. A reset is `cp -a` of that template
 * (~800 files, git history packed: well under a second) instead of a new clone and seed.
 * `before` is the seeded prediction/ (filled in beforeAll): what every fault case must leave as it is.
 */
export function faultWorkspace(label: string): { ws: Workspace; before: Map<string, string> } {
  const ws = new Workspace(`faults-${label}`);
  const before = new Map<string, string>();
  const template = `${ws.root}-template`;
  let fresh = true;
  beforeAll(() => {
    for (const [rel, sha] of seedSubmission(ws)) before.set(rel, sha);
    const graph = ws.nx('show', 'projects');
    if (graph.code !== 0) throw new Error(`nx show projects failed in the fault template:\n${graph.out}`);
    ws.git('repack', '-adq'); // one pack file instead of hundreds of loose objects to copy per case
    ws.git('prune-packed');
    execFileSync('cp', ['-a', ws.root, template]);
  });
  beforeEach(() => {
    if (!fresh) {
      rmSync(ws.root, { recursive: true, force: true });
      execFileSync('cp', ['-a', template, ws.root]);
    }
    fresh = false;
  });
  afterAll(() => {
    if (process.env.AUTOEXP_E2E_KEEP !== '1') rmSync(template, { recursive: true, force: true });
  });
  return { ws, before };
}

/**
 * No stack trace reached the user: a Node stack frame (also behind an executor's
 * "[exp-x] " line prefix) or a Python traceback header.
 */
export const STACK_TRACE = /(^|\] )\s*at (.+ \()?(\/|node:)[^ ]*:\d+(:\d+)?\)?$|Traceback \(most recent call last\)/m;

/** The three checks of a fault case; returns the first line of the error for the outcome table. */
export function expectFault(ws: Workspace, r: Run, before: Map<string, string>, words: (string | RegExp)[]): string {
  note(r.out);
  expect(r.out).not.toMatch(STACK_TRACE);
  for (const w of words) {
    if (typeof w === 'string') expect(r.out).toContain(w);
    else expect(r.out).toMatch(w);
  }
  expect(r.code).not.toBe(0);
  expect(predictionSnapshot(ws)).toEqual(before);
  return firstErrorLine(r.out);
}

/** The first line the executor prints after "ERROR:" (joined with the next when it ends with ":"). */
export function firstErrorLine(out: string): string {
  const lines = out.split('\n');
  const i = lines.findIndex((l) => /ERROR: /.test(l));
  if (i < 0) return (/^(?:autoexp: |error: )(.*)$/m.exec(out)?.[1] ?? out.trim().split('\n')[0]).trim();
  const strip = (l: string) => l.replace(/^.*?ERROR: /, '').replace(/^\[[^\]]*\]\s*/, '').trim();
  const first = strip(lines[i]);
  return first.endsWith(':') && lines[i + 1] ? `${first} ${strip(lines[i + 1])}` : first;
}

/**
 * The first error line of each case, collected for docs/faults.md
 * (FAULTS_OUTCOMES=<file> appends one JSON line per case; e2e/faults/make-table.js renders it).
 */
export function note(out: string, first = firstErrorLine(out)): void {
  const file = process.env.FAULTS_OUTCOMES;
  if (!file) return;
  require('node:fs').appendFileSync(file, JSON.stringify({ case: expect.getState().currentTestName, first }) + '\n');
}

/** The demo experiment (tiny random BART) with the real trainer, stopped after `steps` steps, on data/<dir>. */
export function realTrainerYaml(ws: Workspace, dir: string, files: Record<string, string> = {}, steps = 2): string {
  const demo = ws.read('experiments/demo/experiment.yaml').replace(/max_steps: \d+/, `max_steps: ${steps}`);
  return `${demo.trimEnd()}\n${dataSection(dir, files)}\n`;
}

/** Files under prediction/ that a successful submit must not touch: all but the index and latest_output.csv. */
export function expectOldFilesKept(ws: Workspace, before: Map<string, string>): Map<string, string> {
  const now = predictionSnapshot(ws);
  for (const [rel, sha] of before) {
    if (rel === 'experiment_index.csv' || rel === 'latest_output.csv') continue;
    expect([rel, now.get(rel)]).toEqual([rel, sha]);
  }
  return now;
}

/** True when pid no longer runs: gone, or a zombie waiting for PID 1 to reap it. */
export function processGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
  try {
    return require('node:fs').readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').startsWith('Z');
  } catch {
    return true;
  }
}

/** Polls processGone for up to `ms` (a killed process may take a moment to exit on a loaded machine). */
export async function waitGone(pid: number, ms = 5000): Promise<boolean> {
  for (let t = 0; t < ms; t += 100) {
    if (processGone(pid)) return true;
    await new Promise((ok) => setTimeout(ok, 100));
  }
  return processGone(pid);
}

/** Live (non-zombie) processes of a process group, as "pid command" lines. */
export function liveGroupMembers(pgid: number): string[] {
  const fs = require('node:fs') as typeof import('node:fs');
  return (groupMembers(pgid) ?? []).flatMap((pid) => {
    try {
      return [`${pid} ${fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim()}`];
    } catch {
      return []; // exited while we looked
    }
  });
}

/** Polls until the group has no live member, up to `ms`; returns what is left. */
export async function waitGroupGone(pgid: number, ms = 10_000): Promise<string[]> {
  return (await untilGroupGone(pgid, Date.now() + ms)) ? [] : liveGroupMembers(pgid);
}
