import type { BaselineEntry } from '../submission/baselines';
import type { DevVsPublic } from '../competition/dev-vs-public';
import type { RougeScores } from '../scores/rouge-scores';

/**
 * The data one report page is drawn from. It is embedded in the page as JSON
 * and read by the page's script, so it holds only plain values. Scores are
 * fractions as the trainer reports them (score = mean of R1/R2/RL, 0..1); the
 * page shows them x100.
 */
export interface ReportData {
  version: 1;
  generatedAt: string;
  /** Absolute path of the workspace the report was built in. */
  workspace: string;
  /** Leaderboard order: best dev score first. */
  experiments: ExperimentReport[];
  /** Every topic seen in any experiment's dev items, sorted. */
  topics: string[];
  /** Trivial reference predictors of the experiments' dev sets (drawn as lines on the score charts). */
  baselines: ReportBaseline[];
  /** How many lowest-scoring dev items each experiment lists. */
  worstCount: number;
  /** Problems that are not tied to one experiment. */
  notes: string[];
  /** Every submission with a dev and a recorded public score, for the dev-vs-public scatter. */
  devVsPublic: DevVsPublic;
}

export interface ExperimentReport {
  rank: number;
  experiment: string;
  /** The submission's `<ts>` and its ISO form. */
  timestamp: string;
  when: string | null;
  smoke: boolean;
  score: number | null;
  /** The competition leaderboard's scores of this submission (`autoexp lb record`), fractions; null until recorded. */
  publicScore: number | null;
  privateScore: number | null;
  rouge1: number | null;
  rouge2: number | null;
  rougeL: number | null;
  /** The score does not beat the best trivial baseline of its dev set; null when none is known. */
  belowBaseline: boolean | null;
  /** The seed group of a sweep variant (variants differing only in sweep.group_by): dev-score mean, sample std, n; null when none. */
  group: { name: string; mean: number; std: number; n: number } | null;
  step: number | null;
  strategy: string;
  configHash: string;
  checkpoint: string;
  curve: LearningCurve | null;
  /** Dev items scored one by one; null when they could not be scored (see notes). */
  items: { count: number; topics: TopicScore[]; worst: WorstItem[] } | null;
  /** The merged experiment config, flattened to dotted keys, values as JSON text. */
  config: Record<string, string> | null;
  /** What could not be shown for this experiment, and why. */
  notes: string[];
}

export interface ReportBaseline extends BaselineEntry {
  /** The baseline set's key (dev bytes + train bytes + metric). */
  devSet: string;
  metric: string;
}

export interface CurvePoint {
  step: number;
  value: number;
}

export interface LearningCurve {
  /** The trainer_state.json the curve comes from, relative to the workspace root. */
  source: string;
  trainLoss: CurvePoint[];
  evalScore: CurvePoint[];
  /** The best checkpoint the trainer recorded; value is its eval_score when logged. */
  best: { step: number; value: number | null } | null;
}

export interface ItemScore extends RougeScores {
  fname: string;
}

export interface TopicScore extends RougeScores {
  topic: string;
  n: number;
}

export interface WorstItem extends ItemScore {
  topic: string;
  dialogue: string;
  reference: string;
  prediction: string;
}
