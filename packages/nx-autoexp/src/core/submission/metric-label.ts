/**
 * The metric a dev score was computed with, as one index cell:
 * `<aggregate>/<references>/<tokenizer used>`, e.g. `mean/mean/mecab` (the
 * competition's). Scores with different labels are not comparable, so the
 * leaderboard never ranks them against each other.
 */
export interface MetricSpec {
  aggregate: string;
  references: string;
  tokenizer: string;
}

export const metricLabel = (m: MetricSpec): string => `${m.aggregate}/${m.references}/${m.tokenizer}`;

/** The label of a dev-score object (`{..., metric: {aggregate, references, tokenizer}}`, as `score --json` prints it); '' when it has none. */
export function metricLabelOf(devScore: unknown): string {
  const m = devScore && typeof devScore === 'object' ? (devScore as { metric?: unknown }).metric : undefined;
  if (!m || typeof m !== 'object') return '';
  const { aggregate, references, tokenizer } = m as Record<string, unknown>;
  return [aggregate, references, tokenizer].every((v) => typeof v === 'string' && v !== '') ? metricLabel(m as MetricSpec) : '';
}

/** The final score from R1/R2/RL under a label's aggregate (mean unless it says sum). */
export function combineRouge(label: string, r1: number, r2: number, rl: number): number {
  return label.startsWith('sum/') ? r1 + r2 + rl : (r1 + r2 + rl) / 3;
}

/** Words for a label, for headings: "mean of R1/R2/RL, mean over references, mecab tokens". */
export function describeMetric(label: string): string {
  const [aggregate, references, tokenizer] = label.split('/');
  if (!label || tokenizer === undefined) return 'metric not recorded';
  return `${aggregate} of R1/R2/RL, ${references} over references, ${tokenizer} tokens`;
}
