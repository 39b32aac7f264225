import { loadExperimentCached } from '../config/experiment-cache';

/** The scores of the variants that differ only in `sweep.group_by` keys (default train.seed). */
export interface SeedGroup {
  /** `lr--learning_rate-0.001`: the sweep and the values its members share. */
  name: string;
  /** Fractions, like the scores (mean, and the sample standard deviation over n). */
  mean: number;
  std: number;
  n: number;
  /** The members' experiments (index `experiment` cells), in row order. */
  members: string[];
}

/**
 * Groups of at least two scored rows (one per experiment: pass the best row
 * of each) by `groupOf`. A group of one has no spread to show.
 */
export function seedGroups(rows: { experiment: string; score: number | null }[], groupOf: (experiment: string) => string | null): Map<string, SeedGroup> {
  const byGroup = new Map<string, { experiment: string; score: number }[]>();
  for (const r of rows) {
    const g = r.score === null ? null : groupOf(r.experiment);
    if (g === null) continue;
    byGroup.set(g, [...(byGroup.get(g) ?? []), { experiment: r.experiment, score: r.score! }]);
  }
  const out = new Map<string, SeedGroup>();
  for (const [name, members] of byGroup) {
    if (members.length < 2) continue;
    const n = members.length;
    const mean = members.reduce((s, m) => s + m.score, 0) / n;
    const std = Math.sqrt(members.reduce((s, m) => s + (m.score - mean) ** 2, 0) / (n - 1));
    out.set(name, { name, mean, std, n, members: members.map((m) => m.experiment) });
  }
  return out;
}

/**
 * The group of an index row's experiment (`lr--learning_rate-0.001-seed-1`)
 * from the workspace's sweep files as they are now; null for a plain
 * experiment, or a variant its sweep no longer holds.
 */
export function workspaceGroupOf(root: string): (experiment: string) => string | null {
  const memo = new Map<string, string | null>();
  return (experiment) => {
    if (!memo.has(experiment)) {
      let group: string | null = null;
      try {
        group = loadExperimentCached(root, experiment).sweep?.group ?? null;
      } catch {
        /* not (or no longer) a loadable variant: no group */
      }
      memo.set(experiment, group);
    }
    return memo.get(experiment)!;
  };
}
