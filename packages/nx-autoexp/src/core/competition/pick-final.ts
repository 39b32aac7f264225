import type { OverlapResult } from './prediction-overlap';
import { formatX100 } from './score-scale';

/** A submission the competition has scored (it has a public score), so it can be chosen. */
export interface PickCandidate {
  /** `<experiment>_<timestamp>`, the submission folder's name. */
  id: string;
  experiment: string;
  timestamp: string;
  dev: number | null;
  public: number;
  private: number | null;
  sha256: string;
  /** output.csv, relative to the workspace root. */
  outputPath: string;
}

export interface PickedSubmission {
  candidate: PickCandidate;
  reason: string;
}

export interface SkippedSubmission {
  candidate: PickCandidate;
  reason: string;
}

export interface PickResult {
  picks: PickedSubmission[];
  /** Looked at and passed over, with why. */
  skipped: SkippedSubmission[];
  /** How many scored submissions there were to choose from. */
  considered: number;
  /** Why there are fewer picks than asked for; null when there are enough. */
  shortfall: string | null;
}

export interface PickOptions {
  n: number;
  /** A candidate sharing at least this share of identical summaries with a pick is a near-duplicate of it. */
  maxOverlap: number;
  overlap: (a: PickCandidate, b: PickCandidate) => OverlapResult;
}

const pct = (v: number) => `${Math.round(v * 100)}%`;
// On a full tie the earlier upload wins: a later identical one is the re-upload.
const olderFirst = (a: PickCandidate, b: PickCandidate) => (a.timestamp < b.timestamp ? -1 : a.timestamp > b.timestamp ? 1 : 0);
const desc = (a: number | null, b: number | null) => (b ?? -Infinity) - (a ?? -Infinity);

/**
 * The final selection to suggest: first the best public score; then, one at
 * a time, the best dev score among the rest that is not a near-duplicate of
 * a pick (the private leaderboard rewards a second, different bet, and the
 * dev score is the estimate the public split's noise does not share).
 * Every pick and every pass-over says why; the user makes the choice.
 */
export function pickFinal(candidates: PickCandidate[], opts: PickOptions): PickResult {
  const picks: PickedSubmission[] = [];
  const skipped: SkippedSubmission[] = [];
  if (candidates.length === 0) return { picks, skipped, considered: 0, shortfall: 'no submission has a public score yet' };

  const byPublic = [...candidates].sort((a, b) => b.public - a.public || desc(a.dev, b.dev) || olderFirst(a, b));
  const first = byPublic[0];
  const tied = byPublic.filter((c) => c !== first && c.public === first.public);
  picks.push({
    candidate: first,
    reason:
      `best public score (${formatX100(first.public)}) of ${candidates.length} scored submission${candidates.length === 1 ? '' : 's'}` +
      tied.map((t) => `; tied with ${t.id}, ${t.dev !== first.dev ? 'ahead on dev score' : 'the earlier upload'}`).join(''),
  });

  const passed = new Set<PickCandidate>();
  const byDev = [...candidates].sort((a, b) => desc(a.dev, b.dev) || b.public - a.public || olderFirst(a, b));
  while (picks.length < opts.n) {
    let chosen: PickedSubmission | null = null;
    for (const c of byDev) {
      if (passed.has(c) || picks.some((p) => p.candidate === c)) continue;
      const against: string[] = [];
      let duplicate: string | null = null;
      for (const [i, p] of picks.entries()) {
        if (c.sha256 && c.sha256 === p.candidate.sha256) {
          duplicate = `the same file as pick ${i + 1} (${p.candidate.id}): identical sha256`;
          break;
        }
        const o = opts.overlap(c, p.candidate);
        if (o.overlap === null) {
          against.push(`could not compare with pick ${i + 1}: ${o.reason}`);
        } else if (o.overlap >= opts.maxOverlap) {
          duplicate = `a near-duplicate of pick ${i + 1} (${p.candidate.id}): ${pct(o.overlap)} of ${o.items} summaries identical (limit ${pct(opts.maxOverlap)})`;
          break;
        } else {
          against.push(`${pct(o.overlap)} of its summaries identical to pick ${i + 1}`);
        }
      }
      if (duplicate) {
        passed.add(c);
        skipped.push({ candidate: c, reason: duplicate });
        continue;
      }
      const why = c.dev === null ? `no dev score recorded; next by public score (${formatX100(c.public)})` : `best dev score (${formatX100(c.dev)}) among the rest`;
      chosen = { candidate: c, reason: `${why}; ${against.join('; ')}` };
      break;
    }
    if (!chosen) break;
    picks.push(chosen);
  }

  let shortfall: string | null = null;
  if (picks.length < opts.n) {
    shortfall =
      candidates.length < opts.n
        ? `only ${candidates.length} submission${candidates.length === 1 ? ' has' : 's have'} a public score`
        : `the other scored submissions are the same as or near-duplicates of a pick`;
  }
  return { picks, skipped, considered: candidates.length, shortfall };
}
