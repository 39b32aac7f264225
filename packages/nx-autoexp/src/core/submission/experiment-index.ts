import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { decodeUtf8, parseCsvText, toCsvText } from './csv-io';
import { combineRouge } from './metric-label';
import { experimentOfProject, projectOf, submissionId } from '../naming/experiment-names';
import { SubmissionError } from './submission-error';

/** Columns of prediction/experiment_index.csv (docs/architecture.md). */
export const INDEX_COLUMNS = [
  // The experiment name (folder under experiments/), and its Nx project (`exp-<experiment>`, what `nx run` takes).
  'experiment',
  'project',
  'timestamp',
  'status',
  'smoke',
  'checkpoint',
  'step',
  'score',
  'rouge1',
  'rouge2',
  'rougeL',
  'metric',
  'baselines',
  'strategy',
  'config_hash',
  'predictions_sha256',
  'output_path',
  'metadata_path',
  'tracker',
  'warnings',
  'note',
  // Leaderboard scores (autoexp lb record): fractions like `score`, and when the file was uploaded (ISO 8601, UTC).
  'public_score',
  'private_score',
  'submitted_at',
] as const;

/**
 * Indexes written before the `metric` column scored with the sum of R1/R2/RL,
 * mean over references, tokenizer `auto`; their rows are read as the
 * competition's mean, recomputed from R1/R2/RL, so they rank with new rows.
 * The tokenizer `auto` chose is in the submission's metadata (dev_scores.tokenizer).
 */
const legacyMetric = (tokenizer: string): string => `mean/mean/${tokenizer}`;

export type IndexColumn = (typeof INDEX_COLUMNS)[number];
export type IndexRow = Record<IndexColumn, string>;

/**
 * A submission's id: the name of its folder under prediction/, read from the
 * row's output_path (`prediction/<id>/output.csv`), so rows of indexes that
 * named folders by project (`exp-demo_<ts>`) still name theirs; without one,
 * `<experiment>_<timestamp>` as submissions are named now.
 */
export function submissionIdOf(r: Pick<IndexRow, 'experiment' | 'timestamp'> & Partial<Pick<IndexRow, 'output_path'>>): string {
  return /([^\\/]+)[\\/]output\.csv$/.exec(r.output_path ?? '')?.[1] ?? submissionId(r.experiment, r.timestamp);
}

export const predictionDir = (workspaceRoot: string): string => join(workspaceRoot, 'prediction');
export const indexPath = (workspaceRoot: string): string => join(predictionDir(workspaceRoot), 'experiment_index.csv');

export interface IndexContents {
  /** The file's text as read ('' when absent), kept so appends leave old rows byte-for-byte. */
  text: string;
  header: string[];
  rows: IndexRow[];
  /**
   * Columns of the file that are not INDEX_COLUMNS (a user's `public_lb`, say), in file
   * order, and each row's values for them: kept, after the known columns, on every rewrite.
   */
  extraColumns: string[];
  extraValues: string[][];
}

/** Parses the index file; a missing or empty file is an empty index. */
export function readIndexFile(path: string): IndexContents {
  let buf: Buffer;
  try {
    buf = readFileSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return emptyIndex();
    throw err;
  }
  const text = decodeUtf8(buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? buf.subarray(3) : buf, path);
  if (text.trim() === '') return emptyIndex();
  let parsed;
  try {
    parsed = parseCsvText(text, path);
  } catch (err) {
    throw new SubmissionError(`${(err as Error).message} The experiment index is damaged: fix that line or move the file aside (a new one is started).`);
  }
  if (!parsed.header.includes('experiment') || !parsed.header.includes('timestamp')) {
    throw new SubmissionError(`${path}: not an experiment index (header '${parsed.header.join(',')}'). Move it aside; a new one is started.`);
  }
  const rows = parsed.records.map((rec) => {
    const row = {} as IndexRow;
    for (const col of INDEX_COLUMNS) {
      const i = parsed.header.indexOf(col);
      row[col] = i >= 0 ? (rec[i] ?? '') : '';
    }
    return row;
  });
  if (!parsed.header.includes('metric')) rows.forEach((r) => upgradeLegacyScore(r, dirname(dirname(path))));
  if (!parsed.header.includes('project')) rows.forEach(upgradeLegacyExperiment);
  const known = new Set<string>(INDEX_COLUMNS);
  const extraColumns = parsed.header.filter((h) => !known.has(h));
  const extraAt = extraColumns.map((c) => parsed.header.indexOf(c));
  const extraValues = parsed.records.map((rec) => extraAt.map((i) => rec[i] ?? ''));
  return { text, header: parsed.header, rows, extraColumns, extraValues };
}

const emptyIndex = (): IndexContents => ({ text: '', header: [...INDEX_COLUMNS], rows: [], extraColumns: [], extraValues: [] });

/**
 * A pre-`project` row named its experiment by Nx project (`exp-demo`): it
 * becomes experiment `demo`, project `exp-demo`, as rows are written now.
 */
function upgradeLegacyExperiment(row: IndexRow): void {
  row.experiment = experimentOfProject(row.experiment) ?? row.experiment;
  row.project = projectOf(row.experiment);
}

/** A pre-`metric` row: score was R1 + R2 + RL; becomes their mean (cleared when one is missing). */
function upgradeLegacyScore(row: IndexRow, workspaceRoot: string): void {
  if (row.score.trim() === '') return;
  const [r1, r2, rl] = [row.rouge1, row.rouge2, row.rougeL].map(indexNumber);
  if (r1 === null || r2 === null || rl === null) {
    row.score = '';
    return;
  }
  row.metric = legacyMetric(legacyTokenizer(workspaceRoot, row.metadata_path));
  row.score = String(combineRouge(row.metric, r1, r2, rl));
}

function legacyTokenizer(workspaceRoot: string, metadataPath: string): string {
  if (!metadataPath) return 'auto';
  try {
    const tok = JSON.parse(readFileSync(join(workspaceRoot, metadataPath), 'utf8'))?.dev_scores?.tokenizer;
    return typeof tok === 'string' && tok ? tok : 'auto';
  } catch {
    return 'auto'; // metadata moved or damaged: the row keeps its scores, with the tokenizer unknown
  }
}

/** Every row of prediction/experiment_index.csv, oldest first. */
export function readIndex(workspaceRoot: string): IndexRow[] {
  return readIndexFile(indexPath(workspaceRoot)).rows;
}

/**
 * The index text with `row` appended. Old rows are kept as they were; a file
 * with another header is rewritten in the current columns followed by the
 * file's own extra columns, with every value kept (the new row leaves them empty).
 */
export function appendIndexText(current: IndexContents, row: IndexRow): string {
  const header = [...INDEX_COLUMNS, ...current.extraColumns];
  const line = (r: IndexRow, extra: string[]) => [...INDEX_COLUMNS.map((c) => r[c] ?? ''), ...extra];
  const blank = current.extraColumns.map(() => '');
  const sameHeader = current.header.length === header.length && current.header.every((h, i) => h === header[i]);
  if (current.text === '' || !sameHeader) {
    return toCsvText(header, [...current.rows.map((r, i) => line(r, current.extraValues[i] ?? blank)), line(row, blank)]);
  }
  const body = current.text.endsWith('\n') ? current.text : current.text + '\n';
  // Drop the header csv-stringify would emit: header is the first line of its output, with no embedded newline.
  const rowText = toCsvText(header, [line(row, blank)]);
  return body + rowText.slice(rowText.indexOf('\n') + 1);
}

/**
 * The whole index in the current columns with `rows` (an update in place of
 * current.rows, row for row, e.g. a leaderboard score); an old header is
 * upgraded, and a user's extra columns are kept with their values.
 */
export function rewriteIndexText(current: IndexContents, rows: IndexRow[]): string {
  const blank = current.extraColumns.map(() => '');
  return toCsvText(
    [...INDEX_COLUMNS, ...current.extraColumns],
    rows.map((r, i) => [...INDEX_COLUMNS.map((c) => r[c] ?? ''), ...(current.extraValues[i] ?? blank)]),
  );
}

/** A number column: '' or junk -> null. */
export function indexNumber(value: string | undefined): number | null {
  if (value === undefined || value.trim() === '') return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}
