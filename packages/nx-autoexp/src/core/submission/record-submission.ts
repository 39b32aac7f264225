import { randomBytes } from 'node:crypto';
import { isExperimentName, projectOf, submissionId } from '../naming/experiment-names';
import { submissionIdOf } from './experiment-index';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { stageAll, writeFileAtomic, writeJsonAtomic } from '../fs/atomic-write';
import { expectKind } from '../fs/expect-kind';
import { toCsvText } from './csv-io';
import { IndexRow, appendIndexText, indexPath, predictionDir, readIndexFile } from './experiment-index';
import { MetricSpec, metricLabelOf } from './metric-label';
import { withFileLock } from './file-lock';
import { gitInfo } from './git-info';
import { SubmissionError } from './submission-error';
import { sweepLeftovers } from './sweep-leftovers';
import { submissionTimestamp } from '../time/compact-timestamp';
import { toolVersions } from './tool-versions';
import { TrackerRun, formatTrackers } from './trackers';
import { ValidateSubmissionOptions, validateSubmission } from './validate-submission';
import { formatFindings } from './degenerate-check';
import { baselineSetOf, baselinesPath } from './baselines';
import type { RougeScores } from '../scores/rouge-scores';
import { sha256 } from '../config/hash';
import { relativePosix } from '../fs/relative-posix';

export interface DevScores extends RougeScores {
  /** What `score --json` prints: the metric the score was computed with (the index `metric` column). */
  metric?: MetricSpec;
}

export interface SubmissionMetadataInput {
  /** The resolved config (docs/architecture.md). */
  config?: unknown;
  /** Defaults to config.config_hash. */
  configHash?: string;
  /** The checkpoint manifest (runs/<exp>/train/checkpoint.json). */
  checkpoint?: unknown;
  /** The inference record (runs/<exp>/infer/infer-record.json). */
  inference?: unknown;
  /** The tracker runs (train.report_to) of the checkpoint's training run. */
  trackers?: TrackerRun[];
  /** Defaults to inference.dev_score. */
  devScores?: DevScores | null;
  smoke?: boolean;
  note?: string;
}

/** What validateSubmission checks (predictions, sample, allowEmpty, allowDegenerate, the degenerate checks' inputs), and where it goes. */
export interface RecordSubmissionOptions extends ValidateSubmissionOptions {
  workspaceRoot: string;
  /** The experiment name (`demo`): the submission id is `<experiment>_<ts>`; the index row's project is `exp-<experiment>`. */
  experiment: string;
  metadata: SubmissionMetadataInput;
  now?: Date;
  /** Point prediction/latest_output.csv at this submission (default true). */
  updateLatest?: boolean;
}

/** Where a submission went. Paths are relative to the workspace root, with '/'. */
export interface SubmissionReceipt {
  experiment: string;
  /** `<ts>` as in the folder name, with its -N suffix if one was needed. */
  timestamp: string;
  outputDir: string;
  outputPath: string;
  metadataPath: string;
  /** null when the predictions duplicate an earlier submission (no second history copy). */
  historyPath: string | null;
  latestPath: string | null;
  indexPath: string;
  /** sha256 of output.csv as written (what gets uploaded). */
  predictionsSha256: string;
  /** The submission id (folder under prediction/) of the earlier submission with the same sha256, or null. */
  duplicateOf: string | null;
  warnings: string[];
}

function checkExperimentName(name: string): void {
  if (!isExperimentName(name)) {
    throw new SubmissionError(`experiment name '${name}' cannot be used in a file name: use letters, digits, '.', '_' and '-', starting with a letter or digit.`);
  }
}

const rel = relativePosix;
const num = (v: unknown): string => (typeof v === 'number' && Number.isFinite(v) ? String(v) : '');
const get = (obj: unknown, key: string): unknown => (obj && typeof obj === 'object' ? (obj as Record<string, unknown>)[key] : undefined);
const str = (v: unknown): string => (v === undefined || v === null ? '' : String(v));

function devScoresOf(meta: SubmissionMetadataInput): DevScores | null {
  if (meta.devScores !== undefined) return meta.devScores;
  const fromInfer = get(meta.inference, 'dev_score');
  return fromInfer && typeof fromInfer === 'object' ? (fromInfer as DevScores) : null;
}

/** prediction/, its index and latest_output.csv must be what they claim: else a plain message, not EISDIR/ENOTDIR. */
function checkPredictionLayout(predDir: string, idxPath: string): void {
  expectKind(predDir, 'dir', 'the submissions folder');
  expectKind(join(predDir, 'history'), 'dir', 'the history copies');
  expectKind(idxPath, 'file', 'the experiment index');
  expectKind(join(predDir, 'latest_output.csv'), 'file', 'the latest submission');
}

/** Picks `<exp>_<ts>`, or `<exp>_<ts>-2`, -3... if that folder exists. Called under the index lock. */
function freeSubmissionId(predDir: string, experiment: string, ts: string): { id: string; timestamp: string } {
  for (let n = 1; ; n++) {
    const timestamp = n === 1 ? ts : `${ts}-${n}`;
    const id = submissionId(experiment, timestamp);
    if (!existsSync(join(predDir, id)) && !existsSync(join(predDir, 'history', `output_${id}.csv`))) return { id, timestamp };
  }
}

/**
 * Validates the predictions against the sample and, only if they pass,
 * records the submission under prediction/. The submission folder is built
 * in a hidden staging folder and renamed into place, and the index row is
 * appended last under an inter-process lock, so a crash at any moment leaves
 * either nothing or complete files, and the index never has a torn row.
 * A submission whose output sha256 matches an earlier one still gets its
 * folder and index row, but no second history copy.
 */
export async function recordSubmission(opts: RecordSubmissionOptions): Promise<SubmissionReceipt> {
  checkExperimentName(opts.experiment);
  const root = resolve(opts.workspaceRoot);
  const validation = validateSubmission({
    predictionsPath: opts.predictionsPath,
    samplePath: opts.samplePath,
    allowEmpty: opts.allowEmpty,
    allowDegenerate: opts.allowDegenerate,
    dialogues: opts.dialogues,
    trainSummaryLengths: opts.trainSummaryLengths,
  });
  if (!validation.ok) {
    throw new SubmissionError(`invalid submission, nothing was written:\n  ${validation.errors.join('\n  ')}`);
  }
  const outputText = toCsvText(validation.header, validation.rows);
  const predictionsSha256 = sha256(outputText);
  const meta = opts.metadata;
  const devScores = devScoresOf(meta);
  // The trivial baselines of the dev set, when infer computed them (dev-score.json `baselines`).
  const baselines = baselineSetOf((devScores as { baselines?: unknown } | null)?.baselines);
  const now = opts.now ?? new Date();
  const ts = submissionTimestamp(now);
  const git = gitInfo(root);
  const sourceBytes = readFileSync(opts.predictionsPath);
  const predDir = predictionDir(root);
  const idxPath = indexPath(root);
  checkPredictionLayout(predDir, idxPath);
  mkdirSync(join(predDir, 'history'), { recursive: true });
  sweepLeftovers([predDir, join(predDir, 'history')]);

  // Hidden staging folder: readers only follow index rows, so it is never mistaken for a submission.
  const staging = join(predDir, `.staging-${opts.experiment}-${process.pid}-${randomBytes(4).toString('hex')}`);
  mkdirSync(staging);
  try {
    writeFileAtomic(join(staging, 'output.csv'), outputText);
    return await withFileLock(idxPath, () => {
      const index = readIndexFile(idxPath);
      const earlier = index.rows.find((r) => r.status === 'ok' && r.predictions_sha256 === predictionsSha256);
      const duplicateOf = earlier ? submissionIdOf(earlier) : null;
      const { id, timestamp } = freeSubmissionId(predDir, opts.experiment, ts);
      const outputDir = join(predDir, id);
      const warnings = [...validation.warnings];
      if (duplicateOf) warnings.push(`these predictions are identical (sha256) to submission ${duplicateOf}; no new history copy was made.`);

      writeJsonAtomic(join(staging, 'experiment_metadata.json'), {
        version: 1,
        experiment: opts.experiment,
        timestamp,
        submitted_at: now.toISOString(),
        submission_id: id,
        smoke: meta.smoke ?? false,
        note: meta.note ?? null,
        config: meta.config ?? null,
        config_hash: meta.configHash ?? (str(get(meta.config, 'config_hash')) || null),
        checkpoint: meta.checkpoint ?? null,
        trackers: meta.trackers ?? [],
        inference: meta.inference ?? null,
        dev_scores: devScores,
        predictions: {
          sha256: predictionsSha256,
          rows: validation.rows.length,
          source_path: resolve(opts.predictionsPath),
          source_sha256: sha256(sourceBytes),
          sample_path: resolve(opts.samplePath),
          reordered: validation.reordered,
          allow_empty: validation.allowEmpty,
          empty_fnames: validation.emptyFnames,
        },
        duplicate_of: duplicateOf,
        degenerate: validation.degenerate.map(({ message: _m, ...f }) => f),
        warnings,
        git,
        tools: toolVersions(),
      });

      const historyPath = duplicateOf ? null : join(predDir, 'history', `output_${id}.csv`);
      const updateLatest = opts.updateLatest ?? true;
      const latestPath = join(predDir, 'latest_output.csv');

      const outputPath = join(outputDir, 'output.csv');
      const metadataPath = join(outputDir, 'experiment_metadata.json');
      const manifestPath = get(meta.checkpoint, 'path');
      const row: IndexRow = {
        experiment: opts.experiment,
        project: projectOf(opts.experiment),
        timestamp,
        status: 'ok',
        smoke: String(meta.smoke ?? false),
        checkpoint: str(manifestPath),
        step: num(get(meta.checkpoint, 'step')),
        score: num(devScores?.score),
        rouge1: num(devScores?.rouge1),
        rouge2: num(devScores?.rouge2),
        rougeL: num(devScores?.rougeL),
        metric: devScores ? metricLabelOf(devScores) : '',
        baselines: baselines?.key ?? '',
        strategy: str(get(meta.inference, 'strategy_used')),
        config_hash: meta.configHash ?? str(get(meta.config, 'config_hash')),
        predictions_sha256: predictionsSha256,
        output_path: rel(root, outputPath),
        metadata_path: rel(root, metadataPath),
        tracker: formatTrackers(meta.trackers),
        warnings: formatFindings(validation.degenerate),
        note: [meta.note, duplicateOf ? `duplicate of ${duplicateOf}` : ''].filter(Boolean).join('; '),
        // Filled by `autoexp lb record` once the file is uploaded.
        public_score: '',
        private_score: '',
        submitted_at: '',
      };
      // Every file is written in full before any is published: a full disk fails here and changes nothing.
      const staged = stageAll([
        ...(historyPath ? [{ path: historyPath, data: outputText }] : []),
        ...(updateLatest ? [{ path: latestPath, data: outputText }] : []),
        // The same key always holds the same set: rewriting it is harmless.
        ...(baselines ? [{ path: baselinesPath(root, baselines.key), data: `${JSON.stringify(baselines, null, 2)}\n` }] : []),
        { path: idxPath, data: appendIndexText(index, row) },
      ]);
      // Renames only from here (they need no space). latest_output.csv is renamed under the lock,
      // so it always matches the newest index row that asked for it; the index rename is the commit point.
      renameSync(staging, outputDir);
      for (const f of staged) f.commit();
      return {
        experiment: opts.experiment,
        timestamp,
        outputDir: rel(root, outputDir),
        outputPath: rel(root, outputPath),
        metadataPath: rel(root, metadataPath),
        historyPath: historyPath ? rel(root, historyPath) : null,
        latestPath: updateLatest ? rel(root, latestPath) : null,
        indexPath: rel(root, idxPath),
        predictionsSha256,
        duplicateOf,
        warnings,
      };
    });
  } finally {
    rmSync(staging, { recursive: true, force: true }); // gone already when renamed into place
  }
}
