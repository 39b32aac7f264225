import { isAbsolute, resolve, basename, dirname } from 'node:path';
import { existsSync } from 'node:fs';
import { Discovery, FoundFolder, STEP_DIR, discover } from './discover';
import { RUN_RECORD, chooseRun, readRunRecord } from './run-records';
import { TrainerState, defaultMode, metricByStep, readTrainerState, resolveMetricName } from './trainer-state';
import { Candidate, FindOptions, FinderResult, MetricMode, RunInfo } from './types';
import { listFolder, validateListedCheckpoint } from './validate-checkpoint';

/**
 * CheckpointFinder: finds the checkpoint folders of one run under an output
 * folder, validates them, and picks one by policy. Synchronous: it only
 * stats, lists and reads small files, and callers (executors, CLI) need the
 * answer before doing anything else.
 */

export const DEFAULT_METRIC = 'eval_score';

/** A candidate plus its trainer_state, kept internal to the choice. */
interface Scored {
  c: Candidate;
  /** undefined = not read yet (read lazily: the newest state's log_history covers the older steps). */
  state: TrainerState | null | undefined;
  isStepDir: boolean;
  /** Set while the folder is not validated yet (validate: 'needed'); cleared by checked(). */
  pending?: FoundFolder;
}

export const NOT_CHECKED = 'not checked: a checkpoint the policy prefers is valid';

function stateOf(s: Scored): TrainerState | null {
  if (s.state === undefined) s.state = readTrainerState(s.c.path);
  return s.state;
}

/**
 * A step folder to validate only when the choice reaches it; folders without a
 * step in their name are validated now (their step comes from their own state).
 */
function deferred(folder: FoundFolder): Scored {
  if (folder.type !== 'step') return evaluate(folder);
  return { c: { path: folder.path, step: folder.step, kind: null, valid: false, reason: NOT_CHECKED, metric: null, checked: false }, state: undefined, isStepDir: true, pending: folder };
}

/** Validates a deferred candidate in place; returns whether it is valid. */
function checked(s: Scored): boolean {
  if (s.pending) {
    const done = evaluate(s.pending);
    s.pending = undefined;
    s.c = { ...done.c, metric: s.c.metric };
    s.state = done.state;
  }
  return s.c.valid;
}

function evaluate(folder: FoundFolder): Scored {
  const base: Candidate = { path: folder.path, step: folder.step, kind: null, valid: false, reason: '', metric: null };
  if (folder.type === 'other' || folder.type === 'unreadable') {
    return { c: { ...base, reason: folder.problem ?? 'not usable' }, state: null, isStepDir: false };
  }
  let names = folder.names;
  if (!names) {
    const listing = listFolder(folder.path);
    if (!listing.ok) return { c: { ...base, reason: listing.reason }, state: null, isStepDir: folder.type === 'step' };
    names = listing.names;
  }
  const v = validateListedCheckpoint(folder.path, names);
  const scored: Scored = { c: { ...base, kind: v.kind, valid: v.valid, reason: v.reason }, state: names.has('trainer_state.json') ? undefined : null, isStepDir: folder.type === 'step' };
  // A final-model folder's step is only known from its own trainer_state.json.
  if (folder.step === null) scored.c.step = stateOf(scored)?.global_step ?? null;
  return scored;
}

/**
 * The newest trainer state: highest global_step among the given candidates'
 * trainer_state.json, reading from the highest step down until one parses.
 */
function newestState(pool: Scored[], onlyValid: boolean): Scored | null {
  const order = [...pool].sort(byStepDesc);
  let newest: Scored | null = null;
  for (const s of order) {
    if (newest && (s.c.step ?? -1) < newest.state!.global_step!) break;
    if (onlyValid && !checked(s)) continue;
    const st = stateOf(s);
    if (!st || st.global_step === null) continue;
    if (!newest || st.global_step > newest.state!.global_step! || (st.global_step === newest.state!.global_step && s.isStepDir && !newest.isStepDir)) newest = s;
  }
  return newest;
}

/** Folder order, then numeric step (null last): stable output for tables and tests. */
function byFolderThenStep(a: Candidate, b: Candidate): number {
  const da = dirname(a.path);
  const db = dirname(b.path);
  if (da !== db) return da < db ? -1 : 1;
  if (a.step !== b.step) return a.step === null ? 1 : b.step === null ? -1 : a.step - b.step;
  return a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
}

/** Highest step first (null last); a checkpoint-N folder before a final-model folder at the same step; stable otherwise. */
function byStepDesc(a: Scored, b: Scored): number {
  return (b.c.step ?? -Infinity) - (a.c.step ?? -Infinity) || Number(b.isStepDir) - Number(a.isStepDir);
}

/** The first valid candidate in the given order, validating only up to it. */
function firstValid(order: Scored[]): Scored | null {
  for (const s of order) if (checked(s)) return s;
  return null;
}

const fmt = (v: number) => String(Number(v.toPrecision(6)));

interface Choice {
  chosen: Scored | null;
  reason: string;
  fallback?: string;
}

/** "among N [kind ]valid checkpoint(s)" when all were validated, else how many were not. */
function amongText(pool: Scored[], kind = ''): string {
  const unchecked = pool.filter((s) => s.pending).length;
  const valid = pool.filter((s) => !s.pending && s.c.valid).length;
  return unchecked === 0 ? `among ${valid} ${kind}valid checkpoint(s)` : `among ${pool.length} ${kind}checkpoint(s), ${unchecked} of them not validated (not needed)`;
}

function chooseLatest(all: Scored[]): Choice {
  const s = firstValid([...all].sort(byStepDesc));
  if (!s) return { chosen: null, reason: '' };
  return { chosen: s, reason: s.c.step === null ? `latest: the only kind of valid folder has no step (${amongText(all)})` : `latest: highest global step ${s.c.step} ${amongText(all)}` };
}

function chooseBest(all: Scored[], newest: Scored | null, metric: string, mode: MetricMode): Choice {
  const notes: string[] = [];
  // The newest trainer state (highest global_step) has the final word on best_model_checkpoint.
  const st = newest?.state;
  if (newest && st && (st.best_model_checkpoint || st.best_global_step !== null)) {
    // The path was written by the trainer, maybe on another machine: match by folder name.
    const wanted = st.best_model_checkpoint ? basename(st.best_model_checkpoint.replace(/\\/g, '/')) : `checkpoint-${st.best_global_step}`;
    const m = STEP_DIR.exec(wanted);
    const wantedStep = m ? Number(m[1]) : st.best_global_step;
    const sameParent = dirname(newest.c.path);
    const matches = all.filter((s) => s.isStepDir && (basename(s.c.path) === wanted || (wantedStep !== null && s.c.step === wantedStep)));
    matches.sort((a, b) => Number(dirname(b.c.path) === sameParent) - Number(dirname(a.c.path) === sameParent));
    const hit = matches.find((s) => checked(s)) ?? matches[0];
    const where = `trainer_state.json of ${basename(newest.c.path)} (global_step ${st.global_step})`;
    if (hit && hit.c.valid) {
      const extra = hit.c.metric !== null ? `, ${metric}=${fmt(hit.c.metric)}` : st.best_metric !== null ? `, best_metric=${fmt(st.best_metric)}` : '';
      return { chosen: hit, reason: `best: best_model_checkpoint ${wanted} in ${where}${extra}` };
    }
    notes.push(hit ? `best_model_checkpoint ${wanted} in ${where} is invalid (${hit.c.reason})` : `best_model_checkpoint ${wanted} in ${where} no longer exists`);
  }
  const evaluated = all.filter((s) => s.c.step !== null && s.c.metric !== null);
  const sign = mode === 'max' ? -1 : 1;
  // Best metric first; ties keep the earlier step, as the HF Trainer does (it updates only on strict improvement).
  const best = firstValid(evaluated.sort((a, b) => sign * (a.c.metric! - b.c.metric!) || a.c.step! - b.c.step! || Number(b.isStepDir) - Number(a.isStepDir)));
  if (best) {
    const reason = `best: ${metric}=${fmt(best.c.metric!)} (${mode}) in log_history ${amongText(evaluated, 'evaluated ')}`;
    return { chosen: best, reason: notes.length ? `${reason}; ${notes.join('; ')}` : reason, fallback: notes.length ? notes.join('; ') + `; chose by ${metric} instead` : undefined };
  }
  const latest = chooseLatest(all);
  if (!latest.chosen) return { chosen: null, reason: '', fallback: notes.length ? notes.join('; ') : undefined };
  const why = [...notes, `no ${metric} in log_history for any valid checkpoint`].join('; ');
  return { chosen: latest.chosen, reason: `${latest.reason} (fallback: ${why})`, fallback: `${why}; chose the latest` };
}

function finish(folders: FoundFolder[], opts: FindOptions, extra: Pick<FinderResult, 'runDir' | 'runs' | 'run' | 'note'>, runHow?: string): FinderResult {
  const scored = folders.map(opts.validate === 'needed' ? deferred : evaluate);
  // Metrics come from the newest state (log_history is cumulative) plus any state already read.
  // Only best needs the newest *valid* state (it names the best checkpoint); for the
  // others any newest state gives the metrics, without validating on its account.
  const newest = newestState(scored, opts.policy === 'best');
  if (!newest) newestState(scored, false); // nothing valid: still read one state so the table shows metrics
  const states = scored.map((s) => s.state).filter((s): s is TrainerState => !!s);
  const metric = resolveMetricName(opts.metric ?? DEFAULT_METRIC, states);
  const mode = opts.mode ?? defaultMode(metric);
  const values = metricByStep(states, metric);
  for (const s of scored) s.c.metric = s.c.step !== null ? values.get(s.c.step) ?? null : null;
  let choice: Choice;
  if (opts.policy === 'path') choice = scored[0] && checked(scored[0]) ? { chosen: scored[0], reason: 'path: the folder given explicitly' } : { chosen: null, reason: '' };
  else if (opts.policy === 'latest') choice = chooseLatest(scored);
  else choice = chooseBest(scored, newest, metric, mode);
  const result: FinderResult = {
    selected: choice.chosen ? { ...choice.chosen.c, reason: extra.run && runHow ? `${choice.reason}; run ${extra.run.run_id ?? extra.run.runDir} (${runHow})` : choice.reason } : null,
    candidates: scored.map((s) => s.c).sort(byFolderThenStep),
    metricName: metric,
    ...extra,
  };
  if (choice.fallback) result.fallback = choice.fallback;
  return result;
}

function nearestRunRecord(dir: string, levels = 4): RunInfo | null {
  let d = dir;
  for (let i = 0; i <= levels; i++) {
    const rec = resolve(d, RUN_RECORD);
    if (existsSync(rec)) return readRunRecord(rec);
    const up = dirname(d);
    if (up === d) break;
    d = up;
  }
  return null;
}

/** Every candidate under root (all runs), validated; no choice. Throws when root cannot be read. */
export function listCheckpoints(root: string, maxDepth = 4): { candidates: Candidate[]; runs: RunInfo[] } {
  const found: Discovery = discover(resolve(root), { maxDepth });
  return { candidates: found.folders.map((f) => evaluate(f).c).sort(byFolderThenStep), runs: found.runs };
}

/**
 * Finds and chooses a checkpoint. Never throws for file-system problems: a
 * missing or unreadable root is a result with `note` set, and every problem
 * below it an invalid candidate with its reason. Throws only for a call
 * mistake (policy 'path' without a path).
 */
export function findCheckpoint(opts: FindOptions): FinderResult {
  const root = resolve(opts.root);
  if (opts.policy === 'path') {
    if (!opts.path) throw new Error("policy 'path' needs a path to the checkpoint folder");
    const p = isAbsolute(opts.path) ? opts.path : resolve(root, opts.path);
    const m = STEP_DIR.exec(basename(p));
    const run = nearestRunRecord(dirname(p));
    const folder: FoundFolder = { path: p, type: m ? 'step' : 'model', step: m ? Number(m[1]) : null };
    return finish([folder], opts, { runDir: run?.runDir ?? null, runs: run ? [run] : [], run });
  }

  const maxDepth = opts.maxDepth ?? 4;
  const unreadable = (dir: string, err: unknown) => {
    const code = (err as NodeJS.ErrnoException).code ?? String(err);
    return code === 'ENOENT' ? `the folder ${dir} does not exist (did the trainer write elsewhere? check train.output_dir)` : `cannot read the folder ${dir} (${code})`;
  };
  if (opts.qualifies) {
    // Chosen by what this run wrote, not by run records (a user's trainer writes none).
    let all: Discovery;
    try {
      all = discover(root, { maxDepth });
    } catch (err) {
      return finish([], opts, { runDir: null, runs: [], run: null, note: unreadable(root, err) });
    }
    const mine = all.folders.filter((f) => opts.qualifies!(f.path));
    const result = finish(mine, opts, { runDir: null, runs: all.runs, run: null });
    result.excluded = all.folders.length - mine.length;
    return result;
  }
  let found: Discovery;
  try {
    found = discover(root, { maxDepth, deferRuns: true });
  } catch (err) {
    return finish([], opts, { runDir: null, runs: [], run: null, note: unreadable(root, err) });
  }
  if (found.runs.length === 0) {
    // The user's own trainer: no records, so every checkpoint under root counts.
    return finish(found.folders, opts, { runDir: null, runs: [], run: null });
  }
  const choice = chooseRun(found.runs, opts);
  if (!choice.run) return finish([], opts, { runDir: null, runs: found.runs, run: null, note: choice.note });
  const run = choice.run;
  // Only now list the chosen run's folder: the other runs' insides are never read.
  let inside: Discovery;
  try {
    inside = discover(run.runDir, { maxDepth: maxDepth - (found.runDepth.get(run.runDir) ?? 0) });
  } catch (err) {
    return finish([], opts, { runDir: run.runDir, runs: found.runs, run, note: unreadable(run.runDir, err) });
  }
  return finish(inside.folders, opts, { runDir: run.runDir, runs: found.runs, run }, choice.how);
}
