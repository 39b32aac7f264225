// CompetitionCSVManager: CSV IO, validation against the sample, prediction/ records, leaderboard.
export { SubmissionError } from './submission-error';
export { readCsv, writeCsv, toCsvText, type CsvTable } from './csv-io';
export { validateSubmission, type ValidateSubmissionOptions, type ValidationResult, type ValidationStats } from './validate-submission';
export { INDEX_COLUMNS, readIndex, indexPath, predictionDir, type IndexRow } from './experiment-index';
export {
  recordSubmission,
  type DevScores,
  type RecordSubmissionOptions,
  type SubmissionMetadataInput,
  type SubmissionReceipt,
} from './record-submission';
export { leaderboard, leaderboardGroups, configDiff, type LeaderboardGroup, type LeaderboardOptions, type LeaderboardRow } from './leaderboard';
export { combineRouge, describeMetric, metricLabel, metricLabelOf, type MetricSpec } from './metric-label';
export { formatTrackers, parseTrackers, type TrackerRun } from './trackers';
export { withFileLock, defaultStaleMs } from './file-lock';
export { submissionTimestamp } from '../time/compact-timestamp';
