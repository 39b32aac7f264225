import { nxRunCommand } from '../naming/experiment-names';
import { workspaceTargetNames } from '../naming/workspace-target-names';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { CompetitionConfig } from '../config/types';
import { writeFileAtomic } from '../fs/atomic-write';
import { IndexRow, indexNumber, indexPath, readIndexFile, rewriteIndexText } from '../submission/experiment-index';
import { SubmissionError } from '../submission/submission-error';
import { withFileLock } from '../submission/file-lock';
import { findSubmission, submissionIdOf } from './find-submission';
import { QuotaEntry, QuotaStatus, formatInZone, quotaStatus } from './quota';
import { formatX100 } from './score-scale';

export interface RecordScoreOptions {
  workspaceRoot: string;
  /** Experiment or submission id (see findSubmission). */
  ref: string;
  /** Fractions (0..1), as parseLeaderboardScore returns them. */
  publicScore: number;
  privateScore?: number | null;
  /** When it was uploaded (`--at`); default: now, or the time already recorded for this row. */
  submittedAt?: Date;
  note?: string;
  now?: Date;
  competition: CompetitionConfig;
}

/** A row whose file has the same sha256 and already has a leaderboard score. */
export interface SameFileScore {
  id: string;
  publicScore: number | null;
  submittedAt: string;
}

export interface RecordScoreResult {
  id: string;
  row: IndexRow;
  /** What the row held before, when it already had a score (this record replaced it). */
  previous: { publicScore: number | null; privateScore: number | null; submittedAt: string } | null;
  /** Other submissions of the identical file that were scored before: this upload was wasted. */
  sameFile: SameFileScore[];
  /** The quota of the day the submission was uploaded, this one included. */
  quota: QuotaStatus;
  warnings: string[];
}

/** The rows that count against the quota: the ones with a valid `submitted_at`. */
export function quotaEntries(rows: IndexRow[]): QuotaEntry[] {
  return rows.flatMap((r) => {
    const t = r.submitted_at ? new Date(r.submitted_at) : null;
    return t && Number.isFinite(t.getTime()) ? [{ id: submissionIdOf(r), submittedAt: t }] : [];
  });
}

/** Rows other than `self` that uploaded the same file (sha256) and were scored. */
export function sameFileScores(rows: IndexRow[], self: IndexRow): SameFileScore[] {
  if (!self.predictions_sha256) return [];
  return rows
    .filter((r) => r !== self && r.predictions_sha256 === self.predictions_sha256 && r.public_score !== '')
    .map((r) => ({ id: submissionIdOf(r), publicScore: indexNumber(r.public_score), submittedAt: r.submitted_at }));
}

/**
 * Records the leaderboard score of one submission in its index row
 * (public_score, private_score, submitted_at), under the index lock; the
 * index is rewritten by atomic rename, every other row as it was. Warns (and
 * still records, since the upload happened) when the same file was scored
 * before or the day's quota was already used up.
 */
export async function recordLeaderboardScore(opts: RecordScoreOptions): Promise<RecordScoreResult> {
  const root = resolve(opts.workspaceRoot);
  const idxPath = indexPath(root);
  // Nothing to record into (and no lock folder to make) before the first submit.
  if (!existsSync(idxPath)) throw new SubmissionError(`no submissions yet: ${idxPath} does not exist. Run \`${nxRunCommand('<name>', 'submit', { targets: workspaceTargetNames(root) })}\` first.`);
  const now = opts.now ?? new Date();
  return withFileLock(idxPath, () => {
    const index = readIndexFile(idxPath);
    const rows = index.rows;
    const i = findSubmission(rows, opts.ref, workspaceTargetNames(root));
    const before = rows[i];
    const id = submissionIdOf(before);
    const warnings: string[] = [];
    const tz = opts.competition.reset.timezone;

    const previous = before.public_score !== '' || before.submitted_at !== ''
      ? { publicScore: indexNumber(before.public_score), privateScore: indexNumber(before.private_score), submittedAt: before.submitted_at }
      : null;
    const sameFile = sameFileScores(rows, before);
    for (const s of sameFile) {
      warnings.push(`these predictions are identical (sha256) to ${s.id}, already scored ${formatX100(s.publicScore)} public${s.submittedAt ? ` (uploaded ${formatInZone(new Date(s.submittedAt), tz)})` : ''}: this upload was a wasted submission.`);
    }
    const submittedAt = opts.submittedAt ?? (previous?.submittedAt ? new Date(previous.submittedAt) : now);
    if (previous && previous.publicScore !== null && previous.publicScore !== opts.publicScore) {
      warnings.push(`${id} already had public score ${formatX100(previous.publicScore)}: replaced by ${formatX100(opts.publicScore)}.`);
    }
    if (submittedAt.getTime() > now.getTime() + 60_000) {
      warnings.push(`--at ${formatInZone(submittedAt, tz)} is in the future: check the time (no offset means ${tz}).`);
    }

    const after: IndexRow = {
      ...before,
      public_score: String(opts.publicScore),
      private_score: opts.privateScore === undefined || opts.privateScore === null ? before.private_score : String(opts.privateScore),
      submitted_at: submittedAt.toISOString(),
      note: opts.note ? [before.note, opts.note.replace(/\s+/g, ' ').trim()].filter(Boolean).join('; ') : before.note,
    };
    const updated = rows.map((r, j) => (j === i ? after : r));
    const quota = quotaStatus(quotaEntries(updated), submittedAt, opts.competition);
    const position = quota.entries.findIndex((e) => e.id === id) + 1;
    if (quota.limit !== null && position > quota.limit) {
      warnings.push(
        `over the daily limit: this is submission ${position} of the leaderboard day from ${formatInZone(quota.day.start, tz)}, which allows ${quota.limit}. ` +
          `Recorded anyway; check on the leaderboard that it was accepted.`,
      );
    }
    writeFileAtomic(idxPath, rewriteIndexText(index, updated));
    return { id, row: after, previous, sameFile, quota, warnings };
  });
}
