/**
 * One dev score as the trainer's `score` prints it: ROUGE-1/2/L F1 as
 * fractions and `score`, their aggregate under the metric config (the
 * competition's mean by default). Dev scores, baselines, per-item and
 * per-topic scores all have this shape.
 */
export interface RougeScores {
  score: number;
  rouge1: number;
  rouge2: number;
  rougeL: number;
}
