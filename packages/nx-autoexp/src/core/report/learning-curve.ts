import { existsSync, readdirSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { TrainerState, metricByStep, readTrainerState } from '../checkpoints/trainer-state';
import type { CurvePoint, LearningCurve } from './types';
import { STEP_DIR } from '../checkpoints/discover';
import { relativePosix } from '../fs/relative-posix';


const points = (byStep: Map<number, number>): CurvePoint[] =>
  [...byStep.entries()].sort((a, b) => a[0] - b[0]).map(([step, value]) => ({ step, value }));

/** The step of HF's best_model_checkpoint: best_global_step, else the checkpoint-<N> folder name. */
function bestStep(state: TrainerState): number | null {
  if (state.best_global_step !== null) return state.best_global_step;
  const m = state.best_model_checkpoint ? STEP_DIR.exec(basename(state.best_model_checkpoint.replace(/[\\/]+$/, ''))) : null;
  return m ? Number(m[1]) : null;
}

/**
 * Train loss and eval score over steps from trainer_state.json files of one
 * run (a later checkpoint's log_history extends an earlier one's; the newest
 * record of a step wins). The best mark is the newest state's
 * best_model_checkpoint, the one load_best_model_at_end restores.
 */
export function learningCurve(states: TrainerState[], source: string, metric = 'eval_score'): LearningCurve {
  const newest = [...states].sort((a, b) => (b.global_step ?? -1) - (a.global_step ?? -1))[0];
  const evalScore = points(metricByStep(states, metric));
  const step = newest ? bestStep(newest) : null;
  const best = step === null ? null : { step, value: evalScore.find((p) => p.step === step)?.value ?? null };
  return { source, trainLoss: points(metricByStep(states, 'loss')), evalScore, best };
}

export type CurveLookup = ({ curve: LearningCurve } | { curve: null; reason: string }) & {
  checkpointGone: boolean;
  /** Every trainer_state.json read (absolute), for cache stamps. */
  files: string[];
};

/**
 * Reads the learning curve of the run a checkpoint (path relative to the
 * workspace root) belongs to: its own trainer_state.json and those of its
 * sibling checkpoint-<N> folders, since save_total_limit keeps the best and the
 * newest and only the newest has the whole log. Tolerates a deleted
 * checkpoint folder as long as a sibling still has the log.
 */
export function readLearningCurve(workspaceRoot: string, checkpointPath: string): CurveLookup {
  const root = resolve(workspaceRoot);
  const dir = resolve(root, checkpointPath);
  const checkpointGone = !existsSync(dir);
  const runDir = dirname(dir);
  const folders = new Set<string>([dir]);
  if (existsSync(runDir)) {
    for (const name of readdirSync(runDir)) if (STEP_DIR.test(name)) folders.add(join(runDir, name));
  }
  const found = [...folders].map((f) => ({ f, s: readTrainerState(f) })).filter((x): x is { f: string; s: TrainerState } => x.s !== null);
  if (found.length === 0) {
    const reason = checkpointGone
      ? `checkpoint folder gone (${checkpointPath}) and no other checkpoint of its run has a trainer_state.json: no learning curve`
      : `no readable trainer_state.json in ${checkpointPath} or its sibling checkpoints: no learning curve`;
    return { curve: null, checkpointGone, reason, files: [] };
  }
  const newest = found.reduce((a, b) => ((b.s.global_step ?? -1) > (a.s.global_step ?? -1) ? b : a));
  const source = relativePosix(root, join(newest.f, 'trainer_state.json'));
  const files = found.map((x) => join(x.f, 'trainer_state.json')).sort();
  return { curve: learningCurve(found.map((x) => x.s), source), checkpointGone, files };
}
