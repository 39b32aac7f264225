import { relative, resolve } from 'node:path';
import { findResumeCandidate } from '../checkpoints/resume-candidate';
import type { ResolvedExperiment } from '../config/types';

/**
 * Whether this train continues an interrupted run: train.resume auto (not
 * --fresh, not a smoke run, the built-in trainer) and a resume candidate
 * (core/checkpoints/resume-candidate.ts: the newest run of this experiment
 * with the same train hash, not completed, with a valid checkpoint). The
 * run keeps its id and folder; the trainer continues from the checkpoint.
 */

export interface ResumePlan {
  runId: string;
  runDir: string;
  checkpoint: string;
  step: number;
  /** The one log line that says so (and which newer checkpoints were skipped, and why). */
  line: string;
}

/**
 * `onFresh` hears why an earlier run of this experiment is not continued (it
 * completed, has no valid checkpoint ...), so a new run from step 0 is never
 * unexplained; not called when there is no earlier run at all.
 */
export function planResume(root: string, exp: ResolvedExperiment, o: { fresh?: boolean; smoke?: boolean; onFresh?: (why: string) => void }): ResumePlan | null {
  if (o.fresh || o.smoke || exp.config.train.resume === 'never' || exp.config.train.command) return null;
  const found = findResumeCandidate({ root: resolve(root, exp.outputDir), experiment: exp.name, configHash: exp.hashes.train });
  const c = found.candidate;
  if (!c || !c.run.run_id) {
    if (found.note && !found.note.startsWith('no earlier run')) o.onFresh?.(c ? `run ${c.run.recordPath} has no run_id` : found.note);
    return null;
  }
  const rel = (p: string) => relative(root, p) || '.';
  const skipped = c.skipped.map((s) => `; skipped ${rel(s.path)}: ${s.reason}`).join('');
  return {
    runId: c.run.run_id,
    runDir: c.run.runDir,
    checkpoint: c.checkpoint.path,
    step: c.checkpoint.step!,
    line: `train: resuming run ${c.run.run_id} (${c.run.status ?? 'no status'}) from ${rel(c.checkpoint.path)} (step ${c.checkpoint.step})${skipped}`,
  };
}
