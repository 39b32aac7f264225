import { resolve } from 'node:path';
import type { CompetitionConfig } from '../config/types';
import { indexNumber, readIndex } from '../submission/experiment-index';
import { findSubmission, submissionIdOf } from './find-submission';
import { QuotaStatus, quotaStatus } from './quota';
import { SameFileScore, quotaEntries, sameFileScores } from './record-score';
import { workspaceTargetNames } from '../naming/workspace-target-names';

export interface QuotaReport {
  at: Date;
  quota: QuotaStatus;
  /** Public score of each of the day's submissions, by id. */
  publicScores: Record<string, number | null>;
  /** With a submission asked about: whether uploading it would waste a submission. */
  submission: {
    id: string;
    /** Its own recorded score, when it was uploaded already. */
    recorded: { publicScore: number | null; submittedAt: string } | null;
    sameFile: SameFileScore[];
  } | null;
}

/** `autoexp lb status`: the quota of the leaderboard day holding `at`, and optionally what uploading `ref` would mean. */
export function quotaReport(workspaceRoot: string, competition: CompetitionConfig, at: Date, ref?: string): QuotaReport {
  const rows = readIndex(resolve(workspaceRoot));
  const quota = quotaStatus(quotaEntries(rows), at, competition);
  const publicScores = Object.fromEntries(quota.entries.map((e) => [e.id, indexNumber(rows.find((r) => submissionIdOf(r) === e.id)?.public_score)]));
  let submission: QuotaReport['submission'] = null;
  if (ref !== undefined) {
    const row = rows[findSubmission(rows, ref, workspaceTargetNames(workspaceRoot))];
    submission = {
      id: submissionIdOf(row),
      recorded: row.submitted_at || row.public_score ? { publicScore: indexNumber(row.public_score), submittedAt: row.submitted_at } : null,
      sameFile: sameFileScores(rows, row),
    };
  }
  return { at, quota, publicScores, submission };
}
