/**
 * Decides whether a prediction CSV is complete: the only judge of an
 * attempt's success (exit code 0 alone proves nothing).
 */
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { decodeUtf8 } from '../submission/csv-io';
import { decodeUtf8Strict } from '../fs/utf8';
import { AutoexpError } from '../errors/autoexp-error';
import { sha256 } from '../config/hash';

/** An input CSV (dev.csv / test.csv) that cannot be predicted on: the user's data to fix, printed without a stack. */
export class InferenceInputError extends AutoexpError {
  constructor(message: string) {
    super(message);
  }
}

export type PredictionCheck = { ok: true; sha256: string } | { ok: false; reason: string };

/** How many examples a reason names before saying "and N more". */
const SHOW = 3;

function examples(items: string[]): string {
  const shown = items.slice(0, SHOW).map((s) => JSON.stringify(s)).join(', ');
  return items.length > SHOW ? `${shown} and ${items.length - SHOW} more` : shown;
}

function parseRows(bytes: Buffer): string[][] | string {
  try {
    return parse(bytes, { bom: true, skip_empty_lines: true }) as string[][];
  } catch (err) {
    return `not valid CSV: ${(err as Error).message}`;
  }
}

/**
 * ok only when the file has a header with fname and summary and exactly one
 * row per input fname, in input order, each with a non-empty summary. The
 * reason names the first mismatches of each kind (missing, extra, duplicate,
 * out of order, empty summary).
 */
export function validatePredictions(outputPath: string, inputFnames: string[]): PredictionCheck {
  let bytes: Buffer;
  try {
    bytes = readFileSync(outputPath);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return { ok: false, reason: code === 'ENOENT' ? `no output file was written at ${outputPath}` : `cannot read ${outputPath}: ${(err as Error).message}` };
  }
  if (bytes.length === 0) return { ok: false, reason: `output file ${outputPath} is empty` };
  // Checked here, not first at dev scoring or submit: invalid UTF-8 fails this strategy, so the next one runs.
  const utf8 = decodeUtf8Strict(bytes);
  if (!('text' in utf8)) return { ok: false, reason: `${outputPath} is not valid UTF-8 at byte offset ${utf8.offset} (line ${utf8.line}); the predictor must write UTF-8` };
  const rows = parseRows(bytes);
  if (typeof rows === 'string') return { ok: false, reason: `${outputPath} is ${rows}` };
  if (rows.length === 0) return { ok: false, reason: `output file ${outputPath} is empty` };

  const header = rows[0].map((h) => h.trim());
  const fi = header.indexOf('fname');
  const si = header.indexOf('summary');
  if (fi < 0 || si < 0) {
    return { ok: false, reason: `header of ${outputPath} must have columns fname and summary (got: ${header.join(',')})` };
  }
  const data = rows.slice(1);
  const fnames = data.map((r) => (r[fi] ?? '').trim());

  const problems: string[] = [];
  if (data.length !== inputFnames.length) {
    problems.push(`${data.length} prediction rows for ${inputFnames.length} inputs`);
  }
  const expected = new Set(inputFnames);
  const got = new Set(fnames);
  const missing = inputFnames.filter((f) => !got.has(f));
  if (missing.length) problems.push(`${missing.length} input fnames missing (${examples(missing)})`);
  const extra = fnames.filter((f) => !expected.has(f));
  if (extra.length) problems.push(`${extra.length} rows with fnames not in the input (${examples(extra)})`);
  const seen = new Set<string>();
  const dups = fnames.filter((f) => (seen.has(f) ? true : (seen.add(f), false)));
  if (dups.length) problems.push(`${dups.length} duplicate rows (${examples(dups)})`);
  // Order only means something once the set of fnames is right.
  if (!missing.length && !extra.length && !dups.length) {
    const at = fnames.findIndex((f, i) => f !== inputFnames[i]);
    if (at >= 0) problems.push(`rows out of order: data row ${at + 1} is ${JSON.stringify(fnames[at])}, expected ${JSON.stringify(inputFnames[at])}`);
  }
  const empty = data.filter((r) => (r[si] ?? '').trim() === '').map((r) => (r[fi] ?? '').trim());
  if (empty.length) problems.push(`${empty.length} empty summaries (${examples(empty)})`);

  if (problems.length) return { ok: false, reason: problems.join('; ') };
  return { ok: true, sha256: sha256(bytes) };
}

/**
 * The fnames of an input CSV (dev.csv / test.csv), in order. Throws with the
 * file named when it cannot be used: that is a data problem, not a strategy
 * failure, so no strategy should run.
 */
export function readInputFnames(inputPath: string): string[] {
  let bytes: Buffer;
  try {
    bytes = readFileSync(inputPath);
  } catch (err) {
    throw new InferenceInputError(`cannot read inference input ${inputPath}: ${(err as Error).message}`);
  }
  // Strict UTF-8: a CP949/EUC-KR file would otherwise reach the predictor as mojibake.
  try {
    decodeUtf8(bytes, inputPath);
  } catch (err) {
    throw new InferenceInputError(`inference input ${(err as Error).message}`);
  }
  const rows = parseRows(bytes);
  if (typeof rows === 'string') throw new InferenceInputError(`inference input ${inputPath} is ${rows}`);
  const header = (rows[0] ?? []).map((h) => h.trim());
  const fi = header.indexOf('fname');
  if (fi < 0) throw new InferenceInputError(`inference input ${inputPath} has no fname column (header: ${header.join(',') || 'none'}); fix the file or data paths in the experiment config.`);
  const fnames = rows.slice(1).map((r) => (r[fi] ?? '').trim());
  if (fnames.length === 0) throw new InferenceInputError(`inference input ${inputPath} has no rows.`);
  const seen = new Set<string>();
  fnames.forEach((f, i) => {
    if (f === '') throw new InferenceInputError(`inference input ${inputPath}: data row ${i + 1} has an empty fname.`);
    if (seen.has(f)) throw new InferenceInputError(`inference input ${inputPath}: fname ${JSON.stringify(f)} appears twice (data row ${i + 1}); fnames must be unique.`);
    seen.add(f);
  });
  return fnames;
}
