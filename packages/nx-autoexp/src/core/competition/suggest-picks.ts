import { resolve } from 'node:path';
import { indexNumber, readIndex } from '../submission/experiment-index';
import { submissionIdOf } from './find-submission';
import { PickCandidate, PickResult, pickFinal } from './pick-final';
import { PredictionOverlap } from './prediction-overlap';

export interface SuggestPicksOptions {
  n: number;
  maxOverlap: number;
}

/** Submissions with a recorded public score: only uploaded files can be chosen on the leaderboard. */
export function pickCandidates(workspaceRoot: string): PickCandidate[] {
  return readIndex(resolve(workspaceRoot)).flatMap((r) => {
    const pub = indexNumber(r.public_score);
    if (r.status !== 'ok' || pub === null) return [];
    return [{ id: submissionIdOf(r), experiment: r.experiment, timestamp: r.timestamp, dev: indexNumber(r.score), public: pub, private: indexNumber(r.private_score), sha256: r.predictions_sha256, outputPath: r.output_path }];
  });
}

/** `autoexp lb pick`: the final selection to suggest, compared by the summaries in each output.csv. */
export function suggestFinalPicks(workspaceRoot: string, opts: SuggestPicksOptions): PickResult {
  const overlap = new PredictionOverlap(resolve(workspaceRoot));
  return pickFinal(pickCandidates(workspaceRoot), { ...opts, overlap: (a, b) => overlap.between(a.outputPath, b.outputPath) });
}
