import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { FindOptions, RunInfo } from './types';

/**
 * Run records (`autoexp_run.json`, docs/architecture.md) tell runs sharing an
 * output folder apart. Runs are chosen by record fields and `started_at`,
 * never by folder names or mtimes, which copies and renames change.
 */

export const RUN_RECORD = 'autoexp_run.json';

const str = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);

/** Parses a run record; an unparseable one still marks its folder as a run (fields null). */
export function readRunRecord(recordPath: string): RunInfo {
  let r: Record<string, unknown> = {};
  try {
    const v = JSON.parse(readFileSync(recordPath, 'utf8'));
    if (v && typeof v === 'object') r = v;
  } catch {
    /* fields stay null: the run can still be chosen by nothing, and is listed */
  }
  return {
    runDir: dirname(recordPath),
    recordPath,
    run_id: str(r.run_id),
    experiment: str(r.experiment),
    config_hash: str(r.config_hash),
    status: str(r.status),
    started_at: str(r.started_at),
  };
}

function startedMs(run: RunInfo): number {
  const t = run.started_at ? Date.parse(run.started_at) : NaN;
  return Number.isNaN(t) ? -Infinity : t;
}

/** Newest by started_at (ties: the larger run_id, whose prefix is a timestamp too). */
export function newestRun(runs: RunInfo[]): RunInfo | null {
  let best: RunInfo | null = null;
  for (const r of runs) {
    if (!best) best = r;
    else {
      const d = startedMs(r) - startedMs(best);
      if (d > 0 || (d === 0 && (r.run_id ?? '') > (best.run_id ?? ''))) best = r;
    }
  }
  return best;
}

export interface RunChoice {
  run: RunInfo | null;
  /** Why no run was chosen. */
  note?: string;
  /** How the run was chosen, for the selection reason. */
  how?: string;
}

function describe(runs: RunInfo[]): string {
  return runs
    .map((r) => `${r.run_id ?? '?'} (experiment ${r.experiment ?? '?'}, ${r.status ?? 'no status'}, started ${r.started_at ?? '?'})`)
    .join('; ');
}

/**
 * Among the runs runFilter accepts (all without one):
 * runId: that run (any status: the caller named it). Else configHash: newest
 * completed run with that hash. Else experiment: newest completed run of it.
 * Else newest completed run of all, or, when none completed, the newest run
 * (a folder inspected mid-training).
 */
export function chooseRun(all: RunInfo[], by: Pick<FindOptions, 'runId' | 'configHash' | 'experiment' | 'runFilter'>): RunChoice {
  const runs = by.runFilter ? all.filter(by.runFilter) : all;
  if (by.runId) {
    const hit = runs.filter((r) => r.run_id === by.runId);
    if (hit.length === 0) return { run: null, note: `no run record with run_id ${by.runId}; runs found: ${describe(runs)}` };
    return { run: newestRun(hit), how: `run_id ${by.runId}` };
  }
  let pool = runs;
  let what = 'any run';
  if (by.configHash) {
    pool = runs.filter((r) => r.config_hash === by.configHash);
    what = `config_hash ${by.configHash}`;
  } else if (by.experiment) {
    pool = runs.filter((r) => r.experiment === by.experiment);
    what = `experiment ${by.experiment}`;
  }
  if (pool.length === 0) return { run: null, note: `no run record with ${what}; runs found: ${describe(runs)}` };
  const done = pool.filter((r) => r.status === 'completed');
  if (done.length === 0 && !by.configHash && !by.experiment) {
    // Nothing asked for (someone inspecting a folder, maybe mid-training): show the newest run, saying so.
    const run = newestRun(pool)!;
    return { run, how: `newest run; status ${run.status ?? 'unknown'}, no completed run here` };
  }
  if (done.length === 0) {
    return { run: null, note: `no completed run with ${what} (found: ${describe(pool)}); pass the run id to use an unfinished run` };
  }
  return { run: newestRun(done), how: `newest completed run with ${what}` };
}
