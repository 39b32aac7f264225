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

export function planResume(root: string, exp: ResolvedExperiment, o: { fresh?: boolean; smoke?: boolean }): ResumePlan | null {
  if (o.fresh || o.smoke || exp.config.train.resume === 'never' || exp.config.train.command) return null;
  const found = findResumeCandidate({ root: resolve(root, exp.outputDir), experiment: exp.name, configHash: exp.hashes.train });
  const c = found.candidate;
  if (!c || !c.run.run_id) return null;
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
