import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { IndexRow, indexNumber, readIndex } from './experiment-index';
import { BaselineSet, readBaselineSets } from './baselines';
import { diffConfigValues } from '../config/config-diff';
import { experimentOfTyped, namesExperiment, nxRunCommand } from '../naming/experiment-names';
import { workspaceTargetNames } from '../naming/workspace-target-names';
import { SubmissionError } from './submission-error';
import { SeedGroup, seedGroups, workspaceGroupOf } from '../sweep/seed-groups';
import { timestampToIso } from '../time/compact-timestamp';

export interface LeaderboardOptions {
  includeFailed?: boolean;
  includeSmoke?: boolean;
  /** Every row instead of the best row per experiment. */
  all?: boolean;
  /**
   * `public`: rank by the recorded public leaderboard score (rows without one
   * last), the best row per experiment being its best public score. One
   * table: public scores share the competition's metric whatever the dev metric.
   */
  sortBy?: 'dev' | 'public';
  /** The seed group of an experiment (default: from the workspace's sweep files, see core/sweep/seed-groups.ts). */
  groupOf?: (experiment: string) => string | null;
}

export interface LeaderboardRow {
  rank: number;
  /** The experiment name (`demo`), as in runs/<experiment>/. */
  experiment: string;
  /** Its Nx project (`exp-demo`): what `nx run` takes. */
  project: string;
  timestamp: string;
  /** ISO 8601 of `timestamp`. */
  when: string | null;
  status: string;
  smoke: boolean;
  /** Fractions as the trainer reports them (score = mean of R1/R2/RL under the competition's metric). */
  score: number | null;
  rouge1: number | null;
  rouge2: number | null;
  rougeL: number | null;
  /** The index `metric` cell (`mean/mean/mecab`); rows are ranked only against rows of the same metric. */
  metric: string;
  /** The index `baselines` cell: the key of the dev set's trivial baselines (prediction/baselines/<key>.json); '' when none. */
  baselines: string;
  /** The score is not above the best trivial baseline of its dev set; null when no baselines are known. */
  below_baseline: boolean | null;
  step: number | null;
  strategy: string;
  checkpoint: string;
  config_hash: string;
  predictions_sha256: string;
  output_path: string;
  metadata_path: string;
  /** The index `tracker` cell: `name:run_id url`, `; `-separated ('' when none). */
  tracker: string;
  /** The index `warnings` cell: the degenerate-prediction checks that fired ('' when none). */
  warnings: string;
  note: string;
  /** The competition leaderboard's scores (`autoexp lb record`), fractions like `score`; null until recorded. */
  public_score: number | null;
  private_score: number | null;
  /** When the file was uploaded (ISO 8601), or null. */
  submitted_at: string | null;
  /** The seed group this row's experiment belongs to (mean/std/n over the group's rows in this table); null when none. */
  group: SeedGroup | null;
}

function toRow(r: IndexRow): Omit<LeaderboardRow, 'rank'> {
  return {
    experiment: r.experiment,
    project: r.project,
    timestamp: r.timestamp,
    when: timestampToIso(r.timestamp),
    status: r.status,
    smoke: r.smoke === 'true',
    score: indexNumber(r.score),
    rouge1: indexNumber(r.rouge1),
    rouge2: indexNumber(r.rouge2),
    rougeL: indexNumber(r.rougeL),
    metric: r.metric,
    baselines: r.baselines,
    below_baseline: null,
    step: indexNumber(r.step),
    strategy: r.strategy,
    checkpoint: r.checkpoint,
    config_hash: r.config_hash,
    predictions_sha256: r.predictions_sha256,
    output_path: r.output_path,
    metadata_path: r.metadata_path,
    tracker: r.tracker,
    warnings: r.warnings,
    note: r.note,
    public_score: indexNumber(r.public_score),
    private_score: indexNumber(r.private_score),
    submitted_at: r.submitted_at || null,
    group: null,
  };
}

type Unranked = Omit<LeaderboardRow, 'rank'>;
const newestFirst = (a: Unranked, b: Unranked) => (a.timestamp < b.timestamp ? 1 : a.timestamp > b.timestamp ? -1 : 0);
const descending = (a: number | null, b: number | null) => {
  const [x, y] = [a ?? -Infinity, b ?? -Infinity];
  return x === y ? 0 : y - x;
};

/** Dev score descending (no score last), then newest first. */
function byScore(a: Unranked, b: Unranked): number {
  return descending(a.score, b.score) || newestFirst(a, b);
}

/** Public score descending (none last), then dev score, then newest first. */
function byPublic(a: Unranked, b: Unranked): number {
  return descending(a.public_score, b.public_score) || byScore(a, b);
}

/** The best row of each experiment, from rows sorted best first. */
function bestPerExperiment<T extends { experiment: string }>(rows: T[]): T[] {
  const seen = new Set<string>();
  return rows.filter((r) => !seen.has(r.experiment) && seen.add(r.experiment));
}

/** Rows scored with one metric, ranked among themselves. */
export interface LeaderboardGroup {
  /** The `metric` label ('' for rows that recorded none: failed or unscored rows, or an old `--metrics` file). */
  metric: string;
  rows: LeaderboardRow[];
  /** The trivial baselines of the dev sets of the group's rows (reference rows; not ranked). */
  baselines: BaselineSet[];
}

/** The row's score is not above the best baseline of its dev set; null when its baselines are unknown. */
function belowBaseline(r: { score: number | null; baselines: string }, sets: Map<string, BaselineSet>): boolean | null {
  const set = sets.get(r.baselines);
  return set && r.score !== null ? !(r.score > set.best_score) : null;
}

/**
 * Submissions ranked by dev score, one group per metric: scores computed
 * differently (sum vs mean, another tokenizer) are never ranked against each
 * other. By default the best ok, non-smoke row of each experiment in each
 * group. The group of the newest scored submission comes first. Reads only the index.
 */
export function leaderboardGroups(workspaceRoot: string, opts: LeaderboardOptions = {}): LeaderboardGroup[] {
  const rows = readIndex(workspaceRoot)
    .map(toRow)
    .filter((r) => (opts.includeFailed || r.status === 'ok') && (opts.includeSmoke || !r.smoke))
    .sort(opts.sortBy === 'public' ? byPublic : byScore);
  const groupOf = opts.groupOf ?? workspaceGroupOf(workspaceRoot);
  const scored = rows.filter((r) => r.score !== null);
  const newest = scored.reduce<(typeof rows)[number] | null>((a, b) => (!a || b.timestamp > a.timestamp ? b : a), null);
  if (opts.sortBy === 'public') {
    const picked = opts.all ? rows : bestPerExperiment(rows);
    // Ranked by the competition's own score: the dev baselines are not shown, rows are still flagged.
    const sets = readBaselineSets(workspaceRoot, picked.map((r) => r.baselines));
    return [{ metric: newest?.metric ?? '', rows: withGroups(picked.map((r, j) => ({ rank: j + 1, ...r, below_baseline: belowBaseline(r, sets) })), groupOf), baselines: [] }];
  }
  const rest = [...new Set(scored.map((r) => r.metric))].filter((m) => m !== newest?.metric).sort((a, b) => (a === '' ? 1 : b === '' ? -1 : a < b ? -1 : 1));
  const metrics = [newest?.metric ?? '', ...rest];
  return metrics.map((metric, i) => {
    // Unscored rows say nothing about a metric: they close the first group, as before metrics were recorded.
    const mine = rows.filter((r) => (r.score !== null ? r.metric === metric : i === 0));
    const picked = opts.all ? mine : bestPerExperiment(mine);
    const sets = readBaselineSets(workspaceRoot, picked.map((r) => r.baselines));
    return { metric, rows: withGroups(picked.map((r, j) => ({ rank: j + 1, ...r, below_baseline: belowBaseline(r, sets) })), groupOf), baselines: [...sets.values()] };
  });
}

/**
 * Each row with its seed group's mean/std/n of dev scores, over the best row
 * of each experiment of the table (one metric: scores of different metrics
 * are never averaged).
 */
function withGroups(rows: LeaderboardRow[], groupOf: (experiment: string) => string | null): LeaderboardRow[] {
  const groups = seedGroups(bestPerExperiment(rows), groupOf);
  return groups.size ? rows.map((r) => ({ ...r, group: groups.get(groupOf(r.experiment) ?? '') ?? null })) : rows;
}

/** The rows of every group, each group ranked on its own (see leaderboardGroups). */
export function leaderboard(workspaceRoot: string, opts: LeaderboardOptions = {}): LeaderboardRow[] {
  return leaderboardGroups(workspaceRoot, opts).flatMap((g) => g.rows);
}

/** Dotted keys of nested objects; arrays and scalars are leaves. */
// Always differ between experiments and say nothing about the settings.
const IDENTITY_KEYS = new Set(['experiment', 'run_id', 'config_hash']);

/** `experiment` as typed: an experiment (`demo`) or its project (`exp-demo`). */
function latestConfig(workspaceRoot: string, rows: IndexRow[], experiment: string): unknown {
  const mine = rows.filter((r) => namesExperiment(experiment, r.experiment) && r.status === 'ok' && r.metadata_path);
  if (mine.length === 0) {
    throw new SubmissionError(`no submission of experiment '${experiment}' in prediction/experiment_index.csv. Run \`autoexp submit\` (or ${nxRunCommand(experimentOfTyped(experiment), 'submit', { targets: workspaceTargetNames(workspaceRoot) })}) first.`);
  }
  const latest = mine.reduce((a, b) => (b.timestamp > a.timestamp ? b : a));
  const path = join(resolve(workspaceRoot), latest.metadata_path);
  let meta: { config?: unknown };
  try {
    meta = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new SubmissionError(`cannot read the metadata of ${experiment}'s latest submission (${path}): ${(err as Error).message}.`);
  }
  return meta.config ?? {};
}

/** Config keys whose values differ between the latest submissions of two experiments. */
export function configDiff(workspaceRoot: string, expA: string, expB: string): { key: string; a: unknown; b: unknown }[] {
  const rows = readIndex(workspaceRoot);
  return diffConfigValues(latestConfig(workspaceRoot, rows, expA), latestConfig(workspaceRoot, rows, expB), (k) => IDENTITY_KEYS.has(k));
}
