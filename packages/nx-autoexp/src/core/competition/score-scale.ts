import { AutoexpError, EXIT_USAGE } from '../errors/autoexp-error';

/**
 * Leaderboard scores are stored in the index as fractions (0..1), the scale of
 * the dev `score` column, so dev and public compare directly; screens show
 * them x100 (46.85). Input may be on either scale.
 */
export type ScoreScale = 'x100' | 'fraction';

export interface ParsedScore {
  /** The stored value, 0..1. */
  fraction: number;
  /** How the input was read. */
  scale: ScoreScale;
}

export class ScoreInputError extends AutoexpError {
  constructor(message: string) {
    super(message, { exitCode: EXIT_USAGE });
  }
}

/**
 * Reads a leaderboard score. With no `scale`: a value above 1 is x100
 * (46.85), one from 0 to 1 is a fraction (0.4685). Nothing a real model
 * scores falls in both readings (x100 scores at or below 1 are broken files),
 * and `scale` forces one for such a case.
 */
export function parseLeaderboardScore(text: string, what: string, scale?: ScoreScale): ParsedScore {
  const t = text.trim();
  const v = /^[+]?(\d+(\.\d*)?|\.\d+)$/.test(t) ? Number(t) : NaN;
  if (!Number.isFinite(v)) {
    throw new ScoreInputError(`${what} '${text}' is not a number: give it as the leaderboard shows it (46.85) or as a fraction (0.4685).`);
  }
  const read: ScoreScale = scale ?? (v > 1 ? 'x100' : 'fraction');
  const max = read === 'x100' ? 100 : 1;
  if (v > max) {
    throw new ScoreInputError(`${what} ${t} is above ${max}, the top of the ${read === 'x100' ? 'x100 scale (46.85)' : 'fraction scale (0.4685)'}${scale ? '' : ': a leaderboard score is at most 100'}.`);
  }
  // toPrecision drops float noise (46.85 / 100 = 0.46849999999999997).
  return { fraction: read === 'x100' ? Number((v / 100).toPrecision(12)) : v, scale: read };
}

/** A fraction on the leaderboard's screen scale: 0.4685 -> "46.85"; null -> "-". */
export const formatX100 = (v: number | null | undefined, blank = '-'): string => (v === null || v === undefined || !Number.isFinite(v) ? blank : (v * 100).toFixed(2));
