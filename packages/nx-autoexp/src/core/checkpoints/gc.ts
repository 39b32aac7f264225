import { existsSync, lstatSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { EXPERIMENT_FILE } from '../config/experiment-files';
import { loadExperimentCached } from '../config/experiment-cache';
import { experimentIds } from '../config/experiment-ids';
import { readIndex } from '../submission/experiment-index';
import { listCheckpoints } from './find-checkpoint';
import { findResumeCandidate } from './resume-candidate';
import { defaultMode, metricByStep, readTrainerState, resolveMetricName, TrainerState } from './trainer-state';
import { Candidate, RunInfo } from './types';
import { jsonObjectOrNull } from '../fs/read-json';
import { runPaths } from '../pipeline/run-paths';

/**
 * `autoexp gc`: which checkpoint folders nothing needs, and their removal.
 *
 * Needed: named by any experiment's train manifest (full and smoke), by any
 * submission in prediction/experiment_index.csv (its row and its
 * experiment_metadata.json), the resume candidate of the experiment's
 * current train config, the best `keepBest` by the experiment's metric and
 * the newest `keepLast`; with `olderThanDays`, anything younger. Only folders
 * inside run folders whose record names the experiment are ever candidates:
 * a user's own trainer without run records, and other experiments' runs, are
 * left alone.
 *
 * Removal renames the folder to a hidden name in the same parent (one atomic
 * rename on the same filesystem; the finder skips hidden folders), then
 * deletes it; a gc killed in between leaves a hidden leftover, never a
 * half-deleted checkpoint-N. Leftovers are removed by the next `gc --yes`.
 */

export const TRASH_PREFIX = '.autoexp-gc-';
/** A folder of a run that may still be training is kept while it changed this recently (a save in progress). */
const BUSY_MS = 15 * 60 * 1000;

export interface GcOptions {
  workspaceRoot: string;
  keepBest?: number;
  keepLast?: number;
  olderThanDays?: number;
  experiment?: string;
  now?: number;
}

export interface GcItem {
  path: string;
  step: number | null;
  runId: string | null;
  bytes: number;
  valid: boolean;
  metric: number | null;
  /** null = goes; else why it is kept. */
  keep: string | null;
}

export interface GcExperiment {
  experiment: string;
  outputDir: string;
  items: GcItem[];
  /** Hidden leftovers of an earlier, killed gc. */
  leftovers: { path: string; bytes: number }[];
  notes: string[];
}

export interface GcPlan {
  experiments: GcExperiment[];
  /** Experiments whose config does not load: their folders are not touched. */
  problems: string[];
}

function folderBytes(p: string): number {
  let total = 0;
  let st;
  try {
    st = lstatSync(p);
  } catch {
    return 0;
  }
  if (!st.isDirectory()) return st.size;
  let names: string[];
  try {
    names = readdirSync(p);
  } catch {
    return 0;
  }
  for (const n of names) total += folderBytes(join(p, n));
  return total;
}

function mtimeMs(p: string): number {
  try {
    return statSync(p).mtimeMs;
  } catch {
    return 0;
  }
}

const inside = (p: string, dir: string) => p === dir || p.startsWith(dir + sep);


/** Experiments and sweep variants by id. */
const listExperiments = experimentIds;

/** Absolute checkpoint path -> why it is needed, from manifests and submissions of every experiment. */
function referencedCheckpoints(root: string, experiments: string[]): Map<string, string> {
  const refs = new Map<string, string>();
  const add = (p: unknown, why: string) => {
    if (typeof p !== 'string' || !p) return;
    const abs = isAbsolute(p) ? p : resolve(root, p);
    if (!refs.has(abs)) refs.set(abs, why);
  };
  for (const e of experiments) {
    // Train's manifests, and the ones infer used (a later run's checkpoint when train's was gone).
    for (const m of [false, true].flatMap((smoke) => [runPaths(e, smoke).manifest, runPaths(e, smoke).inferManifest])) {
      add(jsonObjectOrNull(join(root, m))?.path, `manifest ${m}`);
    }
  }
  let rows: ReturnType<typeof readIndex> = [];
  try {
    rows = readIndex(root);
  } catch {
    rows = [];
  }
  for (const r of rows) {
    const why = `submission ${r.experiment} ${r.timestamp}`;
    add(r.checkpoint, why);
    if (r.metadata_path) {
      const meta = jsonObjectOrNull(resolve(root, r.metadata_path));
      const ck = meta?.checkpoint as Record<string, unknown> | undefined;
      add(ck?.path, why);
    }
  }
  return refs;
}

/** The hidden leftovers of a killed gc under `dir` (any depth the finder looks at). */
function findLeftovers(dir: string, depth = 4): string[] {
  const out: string[] = [];
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const e of entries) {
    if (!e.isDirectory()) continue;
    if (e.name.startsWith(TRASH_PREFIX)) out.push(join(dir, e.name));
    else if (depth > 0 && !e.name.startsWith('.') && !e.name.startsWith('checkpoint-')) out.push(...findLeftovers(join(dir, e.name), depth - 1));
  }
  return out;
}

export function planGc(opts: GcOptions): GcPlan {
  const root = resolve(opts.workspaceRoot);
  const keepBest = opts.keepBest ?? 1;
  const keepLast = opts.keepLast ?? 1;
  const now = opts.now ?? Date.now();
  const all = listExperiments(root);
  if (opts.experiment && !all.includes(opts.experiment)) {
    throw new Error(`no experiment '${opts.experiment}' (experiments/${opts.experiment}/${EXPERIMENT_FILE} does not exist); known: ${all.join(', ') || 'none'}`);
  }
  const refs = referencedCheckpoints(root, all);
  const plan: GcPlan = { experiments: [], problems: [] };
  for (const name of opts.experiment ? [opts.experiment] : all) {
    let exp;
    try {
      exp = loadExperimentCached(root, name);
    } catch (err) {
      plan.problems.push(`${name}: its config does not load, so its checkpoints were not considered (${(err as Error).message.split('\n')[0]})`);
      continue;
    }
    const outputDir = resolve(root, exp.outputDir);
    const entry: GcExperiment = { experiment: name, outputDir, items: [], leftovers: [], notes: [] };
    plan.experiments.push(entry);
    if (!existsSync(outputDir)) continue;
    entry.leftovers = findLeftovers(outputDir).map((p) => ({ path: p, bytes: folderBytes(p) }));
    const { candidates, runs } = listCheckpoints(outputDir);
    const mine = runs.filter((r) => r.experiment === name).sort((a, b) => b.runDir.length - a.runDir.length);
    const runOf = (c: Candidate): RunInfo | null => runs.filter((r) => inside(c.path, r.runDir)).sort((a, b) => b.runDir.length - a.runDir.length)[0] ?? null;
    const outside = candidates.filter((c) => {
      const r = runOf(c);
      return !r || r.experiment !== name;
    });
    if (outside.length) entry.notes.push(`${outside.length} checkpoint folder(s) outside this experiment's run records were left alone`);
    const ours = candidates.filter((c) => {
      const r = runOf(c);
      return r && r.experiment === name && c.step !== null;
    });

    // Metric values per run, from its trainer states (log_history is cumulative).
    const metricName = exp.config.checkpoint.metric;
    const statesByRun = new Map<string, TrainerState[]>();
    for (const c of ours) {
      const r = runOf(c)!;
      const st = readTrainerState(c.path);
      if (st) statesByRun.set(r.runDir, [...(statesByRun.get(r.runDir) ?? []), st]);
    }
    const items: (GcItem & { started: number; done: boolean })[] = ours.map((c) => {
      const r = runOf(c)!;
      const states = statesByRun.get(r.runDir) ?? [];
      const metric = c.valid && c.step !== null ? metricByStep(states, resolveMetricName(metricName, states)).get(c.step) ?? null : null;
      return { path: c.path, step: c.step, runId: r.run_id, bytes: 0, valid: c.valid, metric, keep: null, started: r.started_at ? Date.parse(r.started_at) || 0 : 0, done: r.status === 'completed' };
    });
    const keep = (it: GcItem, why: string) => {
      if (it.keep === null) it.keep = why;
    };
    for (const it of items) {
      const why = refs.get(it.path);
      if (why) keep(it, why);
    }
    for (const smoke of [false, true]) {
      const r = findResumeCandidate({ root: outputDir, experiment: name, configHash: exp.hashes.train, smoke, runs: mine });
      const hit = r.candidate && items.find((it) => it.path === r.candidate!.checkpoint.path);
      if (hit) keep(hit, `resume point of the unfinished run ${r.candidate!.run.run_id}`);
    }
    const mode = exp.config.checkpoint.mode ?? defaultMode(metricName);
    const scored = items.filter((it) => it.valid && it.metric !== null).sort((a, b) => (mode === 'max' ? b.metric! - a.metric! : a.metric! - b.metric!) || b.started - a.started);
    scored.slice(0, keepBest).forEach((it, i) => keep(it, `best ${i + 1} of ${keepBest} by ${metricName} (${it.metric})`));
    const newest = items.filter((it) => it.valid).sort((a, b) => b.started - a.started || (b.step ?? -1) - (a.step ?? -1));
    newest.slice(0, keepLast).forEach((it, i) => keep(it, `newest ${i + 1} of ${keepLast}`));
    for (const it of items) {
      const age = now - mtimeMs(it.path);
      if (!it.done && age < BUSY_MS) keep(it, 'its run may still be writing it (changed in the last 15 minutes)');
      if (opts.olderThanDays !== undefined && age < opts.olderThanDays * 86_400_000) keep(it, `younger than ${opts.olderThanDays} day(s)`);
    }
    for (const it of items) it.bytes = it.keep === null ? folderBytes(it.path) : 0;
    entry.items = items.map(({ started: _s, done: _d, ...it }) => it);
  }
  return plan;
}

export interface GcOutcome {
  removed: string[];
  bytes: number;
  failed: { path: string; error: string }[];
}

/** Removes what the plan says goes, plus leftovers of killed runs of gc; one folder at a time, each crash-safe. */
export function applyGc(plan: GcPlan, log: (line: string) => void = () => undefined): GcOutcome {
  const out: GcOutcome = { removed: [], bytes: 0, failed: [] };
  for (const e of plan.experiments) {
    for (const l of e.leftovers) {
      try {
        rmSync(l.path, { recursive: true, force: true });
        out.bytes += l.bytes;
      } catch (err) {
        out.failed.push({ path: l.path, error: (err as Error).message });
      }
    }
    for (const it of e.items) {
      if (it.keep !== null) continue;
      const trash = join(dirname(it.path), `${TRASH_PREFIX}${basename(it.path)}-${process.pid}-${Date.now()}`);
      try {
        // After this rename no finder sees the folder: what follows can be cut short harmlessly.
        renameSync(it.path, trash);
      } catch (err) {
        out.failed.push({ path: it.path, error: (err as Error).message });
        continue;
      }
      try {
        rmSync(trash, { recursive: true, force: true });
      } catch (err) {
        out.failed.push({ path: trash, error: `renamed out of the way but not deleted: ${(err as Error).message}` });
        continue;
      }
      out.removed.push(it.path);
      out.bytes += it.bytes;
      log(`removed ${it.path}`);
    }
  }
  return out;
}

export const gb = (bytes: number): string => `${(bytes / 1e9).toFixed(2)} GB`;

/** The dry-run table: per experiment, every checkpoint of its runs and whether it goes (and why not). */
export function formatGcPlan(plan: GcPlan, root: string): string {
  const lines: string[] = [];
  const rel = (p: string) => relative(root, p) || '.';
  let total = 0;
  for (const e of plan.experiments) {
    const going = e.items.filter((i) => i.keep === null);
    const bytes = going.reduce((s, i) => s + i.bytes, 0) + e.leftovers.reduce((s, l) => s + l.bytes, 0);
    total += bytes;
    lines.push(`${e.experiment} (${rel(e.outputDir)}): ${going.length} of ${e.items.length} checkpoint folder(s) go, ${gb(bytes)} freed`);
    for (const i of e.items) {
      lines.push(`  ${i.keep === null ? 'go  ' : 'keep'}  ${rel(i.path).padEnd(60)} ${i.keep === null ? gb(i.bytes).padStart(9) : ''.padStart(9)}  ${i.keep ?? (i.valid ? 'not needed' : 'invalid, not needed')}`);
    }
    for (const l of e.leftovers) lines.push(`  go    ${rel(l.path).padEnd(60)} ${gb(l.bytes).padStart(9)}  leftover of a killed gc`);
    for (const n of e.notes) lines.push(`  note: ${n}`);
  }
  for (const p of plan.problems) lines.push(`skipped ${p}`);
  lines.push(`total: ${gb(total)} freed`);
  return lines.join('\n');
}

