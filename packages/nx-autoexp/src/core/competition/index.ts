// The competition's leaderboard: public/private scores per submission, the daily quota, final picks.
export { readCompetitionConfig } from './competition-config';
export { pearson } from './correlation';
export { findSubmission, submissionIdOf } from './find-submission';
export { pickFinal, type PickCandidate, type PickResult, type PickedSubmission, type SkippedSubmission } from './pick-final';
export { PredictionOverlap, type OverlapResult } from './prediction-overlap';
export { TimeInputError, formatDuration, formatInZone, parseSubmissionTime, quotaDay, quotaStatus, type QuotaDay, type QuotaEntry, type QuotaStatus } from './quota';
export { quotaReport, type QuotaReport } from './quota-report';
export { recordLeaderboardScore, type RecordScoreOptions, type RecordScoreResult, type SameFileScore } from './record-score';
export { ScoreInputError, formatX100, parseLeaderboardScore, type ParsedScore, type ScoreScale } from './score-scale';
export { pickCandidates, suggestFinalPicks, type SuggestPicksOptions } from './suggest-picks';
export { sweepGroupOf } from './sweep-group';
