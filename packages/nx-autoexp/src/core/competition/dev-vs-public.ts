import { IndexRow, indexNumber } from '../submission/experiment-index';
import { pearson } from './correlation';
import { submissionIdOf } from './find-submission';
import { sweepGroupOf } from './sweep-group';

export interface PublicScorePoint {
  id: string;
  experiment: string;
  /** Fractions, like the index. */
  dev: number;
  public: number;
  private: number | null;
}

/** The points of one colour: a sweep group, or every submission that belongs to none. */
export interface PublicScoreSeries {
  /** The sweep group (`exp-<name>`), or null for submissions of no sweep. */
  group: string | null;
  points: PublicScorePoint[];
}

export interface DevVsPublic {
  series: PublicScoreSeries[];
  /** Pearson's r over every point; null under 3 points or when a side is constant. */
  correlation: number | null;
  n: number;
  /** Submissions with a public score but no dev score: not plotted. */
  withoutDev: string[];
}

/**
 * Every submission with both a dev and a public score, one series per sweep
 * group (groups sorted by name, then the ungrouped), and their correlation:
 * how far the dev score predicts the leaderboard.
 */
export function devVsPublic(rows: IndexRow[], opts: { includeSmoke?: boolean } = {}): DevVsPublic {
  const scored = rows.filter((r) => r.status === 'ok' && (opts.includeSmoke || r.smoke !== 'true') && indexNumber(r.public_score) !== null);
  const points: (PublicScorePoint & { group: string | null })[] = [];
  const withoutDev: string[] = [];
  for (const r of scored) {
    const dev = indexNumber(r.score);
    if (dev === null) withoutDev.push(submissionIdOf(r));
    else points.push({ id: submissionIdOf(r), experiment: r.experiment, dev, public: indexNumber(r.public_score)!, private: indexNumber(r.private_score), group: sweepGroupOf(r.experiment) });
  }
  const groups = [...new Set(points.map((p) => p.group))].sort((a, b) => (a === null ? 1 : b === null ? -1 : a < b ? -1 : a > b ? 1 : 0));
  return {
    series: groups.map((group) => ({ group, points: points.filter((p) => p.group === group).map(({ group: _g, ...p }) => p) })),
    correlation: pearson(points.map((p) => p.dev), points.map((p) => p.public)),
    n: points.length,
    withoutDev,
  };
}
