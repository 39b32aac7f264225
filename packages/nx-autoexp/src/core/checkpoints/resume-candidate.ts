import { statSync } from 'node:fs';
import { join } from 'node:path';
import { discover } from './discover';
import { newestRun } from './run-records';
import { Candidate, RunInfo } from './types';
import { validateCheckpoint } from './validate-checkpoint';

/**
 * The run a new training would continue, and from which checkpoint. One
 * definition, shared by the train step (what to resume) and gc (what it must
 * keep): the experiment's newest run with this train-section hash, when that
 * run is not completed, and its newest valid `checkpoint-<N>` folder. Newer
 * folders that fail validation (a save killed halfway) are returned as
 * `skipped` so the caller can name them.
 */

export interface ResumeCandidate {
  run: RunInfo;
  checkpoint: Candidate;
  /** Newer step folders of the same run that are not valid, newest first. */
  skipped: Candidate[];
}

export interface ResumeLookup {
  candidate: ResumeCandidate | null;
  /** Why there is nothing to resume, for the log. */
  note: string;
}

/** Smoke runs are recorded apart from real runs (their run_id ends in -smoke): they never resume one another. */
export const isSmokeRun = (run: RunInfo): boolean => (run.run_id ?? '').endsWith('-smoke');

export function findResumeCandidate(opts: { root: string; experiment: string; configHash: string; smoke?: boolean; runs?: RunInfo[] }): ResumeLookup {
  let runs = opts.runs;
  if (!runs) {
    try {
      runs = discover(opts.root, { deferRuns: true }).runs;
    } catch {
      return { candidate: null, note: `no earlier run (${opts.root} does not exist yet)` };
    }
  }
  // Another experiment's runs in the same folder are never candidates.
  const mine = runs.filter((r) => r.experiment === opts.experiment && isSmokeRun(r) === !!opts.smoke && r.config_hash === opts.configHash);
  const run = newestRun(mine);
  if (!run) {
    const others = runs.filter((r) => r.experiment === opts.experiment && isSmokeRun(r) === !!opts.smoke).length;
    return { candidate: null, note: others ? `its ${others} earlier run(s) have another train config (train-section hash)` : 'no earlier run with this train config' };
  }
  if (run.status === 'completed') return { candidate: null, note: `the newest run with this train config (${run.run_id}) completed` };
  let steps: { path: string; step: number }[];
  try {
    steps = discover(run.runDir, { maxDepth: 1 })
      .folders.filter((f) => f.type === 'step')
      .map((f) => ({ path: f.path, step: f.step! }));
  } catch {
    return { candidate: null, note: `the run folder ${run.runDir} cannot be read` };
  }
  steps.sort((a, b) => b.step - a.step);
  const skipped: Candidate[] = [];
  for (const s of steps) {
    const v = validateCheckpoint(s.path);
    const c: Candidate = { path: s.path, step: s.step, kind: v.kind, valid: v.valid, reason: v.reason, metric: null };
    if (v.valid && hasTrainingState(s.path)) return { candidate: { run, checkpoint: c, skipped }, note: '' };
    skipped.push(v.valid ? { ...c, valid: false, reason: 'no trainer_state.json (the HF Trainer cannot resume from it)' } : c);
  }
  const why = skipped.length ? `; skipped: ${skipped.map((s) => `checkpoint-${s.step} (${s.reason})`).join(', ')}` : '';
  return { candidate: null, note: `run ${run.run_id} (${run.status ?? 'no status'}) has no valid checkpoint to resume from${why}` };
}

function hasTrainingState(dir: string): boolean {
  try {
    return statSync(join(dir, 'trainer_state.json')).isFile();
  } catch {
    return false;
  }
}
