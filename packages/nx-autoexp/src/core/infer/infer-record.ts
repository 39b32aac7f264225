/** infer-record.json (docs/architecture.md "Inference record"): what ran, what won, the dev score. */
import { writeJsonAtomic } from '../fs/atomic-write';
import type { Attempt, ChainResult } from './strategy-chain';
import type { RougeScores } from '../scores/rouge-scores';

export interface InferCheckpointRef {
  /** As in the checkpoint manifest: relative to the workspace root. */
  path: string;
  step: number | null;
  fingerprint: string;
}

/** The trainer's score() of the dev predictions. */
export type DevScore = RougeScores;

export interface InferRecord {
  experiment: string;
  checkpoint: InferCheckpointRef;
  attempts: Attempt[];
  strategy_used: string | null;
  /** Filled by the caller after scoring dev predictions; null until then (or when the chain failed). */
  dev_score: DevScore | null;
}

export function buildInferRecord(input: {
  experiment: string;
  checkpoint: InferCheckpointRef;
  result: ChainResult;
  devScore?: DevScore | null;
}): InferRecord {
  return {
    experiment: input.experiment,
    checkpoint: { path: input.checkpoint.path, step: input.checkpoint.step, fingerprint: input.checkpoint.fingerprint },
    attempts: input.result.attempts.map((a) => ({ ...a })),
    strategy_used: input.result.strategyUsed,
    dev_score: input.devScore ?? null,
  };
}

export function writeInferRecord(path: string, record: InferRecord): void {
  writeJsonAtomic(path, record);
}
