import { CsvTable, readCsv } from './csv-io';
import { ALLOW_DEGENERATE_HINT, DegenerateFinding, checkDegenerate } from './degenerate-check';
import { SubmissionError } from './submission-error';

export interface ValidateSubmissionOptions {
  predictionsPath: string;
  samplePath: string;
  /** Accept empty / "nan" / "None" / "null" summaries (they are listed in the result). */
  allowEmpty?: boolean;
  /** Accept predictions the degenerate checks refuse (90%+ one summary or empty); they stay warnings. */
  allowDegenerate?: boolean;
  /** fname -> dialogue of the test set, for the copy check (skipped without it). */
  dialogues?: Map<string, string>;
  /** Character lengths of the train summaries, for the length check (skipped without them). */
  trainSummaryLengths?: number[];
}

export interface ValidationStats {
  sampleRows: number;
  predictionRows: number;
  missing: number;
  extra: number;
  duplicates: number;
  empty: number;
}

export interface ValidationResult {
  ok: boolean;
  errors: string[];
  warnings: string[];
  /** The predictions had the right fnames in another order; `rows` are in the sample's order. */
  reordered: boolean;
  /** The sample's header, exactly. */
  header: string[];
  /** Output rows in the sample's order, ready for writeCsv (empty when not ok). */
  rows: string[][];
  stats: ValidationStats;
  allowEmpty: boolean;
  /** fnames whose summary was empty or a null literal (accepted only with allowEmpty). */
  emptyFnames: string[];
  /** What the degenerate-prediction checks found (checkDegenerate), refused or not. */
  degenerate: DegenerateFinding[];
}

const KEY = 'fname';
const SUMMARY = 'summary';

/** A column of row numbers (a pandas index): recognized by its content, never by its place. */
function looksLikeIndex(values: string[]): boolean {
  return values.length > 0 && values.every((v) => /^\d+$/.test(v ?? ''));
}
// What pandas and friends write for a missing value: never a real summary.
const NULL_LITERALS = new Set(['', 'nan', 'none', 'null']);

/** A name as the user must see it: quoted when blanks at its ends or control characters would be invisible. */
export function showName(s: string): string {
  if (s === '') return '(empty)';
  return s.trim() !== s || /[\u0000-\u001f\u007f]/.test(s) ? JSON.stringify(s) : s;
}

function firstTen(list: string[]): string {
  const shown = list.slice(0, 10).map(showName);
  return shown.join(', ') + (list.length > 10 ? `, ... (${list.length - 10} more)` : '');
}

function columnHint(wanted: string, header: string[]): string {
  const near = header.find((h) => h.trim().toLowerCase() === wanted.toLowerCase());
  return near !== undefined ? ` (found '${near}': rename it to '${wanted}')` : '';
}

/**
 * Checks predictions against sample_submission.csv and returns the rows to
 * write in the sample's column and row order. Never throws for bad input:
 * every problem is an entry in `errors`.
 */
export function validateSubmission(opts: ValidateSubmissionOptions): ValidationResult {
  const allowEmpty = opts.allowEmpty ?? false;
  const stats: ValidationStats = { sampleRows: 0, predictionRows: 0, missing: 0, extra: 0, duplicates: 0, empty: 0 };
  const result = (errors: string[], warnings: string[], extra: Partial<ValidationResult> = {}): ValidationResult => ({
    ok: errors.length === 0,
    errors,
    warnings,
    reordered: false,
    header: [],
    rows: [],
    stats,
    allowEmpty,
    emptyFnames: [],
    degenerate: [],
    ...extra,
  });

  const errors: string[] = [];
  const warnings: string[] = [];
  let sample: CsvTable | undefined;
  let preds: CsvTable | undefined;
  for (const [which, path] of [['sample', opts.samplePath], ['predictions', opts.predictionsPath]] as const) {
    try {
      const t = readCsv(path);
      if (which === 'sample') sample = t;
      else preds = t;
    } catch (err) {
      if (!(err instanceof SubmissionError)) throw err;
      errors.push(err.message);
    }
  }
  if (!sample || !preds) return result(errors, warnings);
  const P = opts.predictionsPath;
  const S = opts.samplePath;
  stats.sampleRows = sample.rows.length;
  stats.predictionRows = preds.rows.length;

  // Columns are matched by name, whatever their order in either file. A sample column the
  // predictions lack is copied from the sample only when its content is a row index; the
  // summary never is (else an all-empty submission would pass).
  if (!sample.header.includes(KEY)) {
    errors.push(`${S}: the sample has no '${KEY}' column${columnHint(KEY, sample.header)}; header is '${sample.header.join(',')}'. Point --sample at the competition's sample_submission.csv.`);
    return result(errors, warnings);
  }
  const predCols = new Set(preds.header);
  const sampleOnly = sample.header.filter((c) => c !== KEY && !predCols.has(c));
  const indexCols = sampleOnly.filter((c) => c !== SUMMARY && looksLikeIndex(sample!.rows.map((r) => r[c])));
  const valueCols = sample.header.filter((c) => c !== KEY && predCols.has(c));
  const needed = sample.header.filter((c) => !indexCols.includes(c));
  if (!predCols.has(KEY)) {
    errors.push(`${P}: no '${KEY}' column${columnHint(KEY, preds.header)}; header is '${preds.header.join(',')}'. The predictions need the columns ${needed.join(',')}.`);
  }
  for (const col of sampleOnly.filter((c) => !indexCols.includes(c))) {
    errors.push(`${P}: no '${col}' column${columnHint(col, preds.header)}; the sample's header is '${sample.header.join(',')}'.`);
  }
  const unknown = preds.header.filter((h) => !sample!.header.includes(h));
  const strayIndex = unknown.filter((h) => looksLikeIndex(preds!.rows.map((r) => r[h])));
  const otherUnknown = unknown.filter((h) => !strayIndex.includes(h));
  if (otherUnknown.length > 0) {
    errors.push(`${P}: column(s) not in the sample: ${otherUnknown.map((h) => `'${h}'`).join(', ')}. The submission must have exactly the sample's columns '${sample.header.join(',')}'; drop the others.`);
  }
  if (errors.length > 0) return result(errors, warnings);
  if (strayIndex.length > 0) {
    // A pandas index written by mistake: harmless, the sample decides the columns.
    warnings.push(`${P}: ignored index column(s) ${strayIndex.map((h) => `'${h}'`).join(', ')} (row numbers) that the sample does not have.`);
  }

  const sampleKeys = sample.rows.map((r) => r[KEY]);
  const sampleSeen = new Set<string>();
  const sampleDup = new Set<string>();
  for (const k of sampleKeys) (sampleSeen.has(k) ? sampleDup : sampleSeen).add(k);
  if (sampleDup.size > 0) {
    errors.push(`${S}: the sample itself has ${sampleDup.size} duplicate fname(s) (first 10: ${firstTen([...sampleDup])}). Use the competition's original sample_submission.csv.`);
    return result(errors, warnings);
  }

  const byKey = new Map<string, Record<string, string>>();
  const dups = new Set<string>();
  for (const row of preds.rows) {
    const k = row[KEY];
    if (byKey.has(k)) dups.add(k);
    else byKey.set(k, row);
  }
  const missing = sampleKeys.filter((k) => !byKey.has(k));
  const extra = [...byKey.keys()].filter((k) => !sampleSeen.has(k));
  stats.missing = missing.length;
  stats.extra = extra.length;
  stats.duplicates = dups.size;
  if (missing.length > 0) {
    errors.push(`${P}: ${missing.length} fname(s) of the sample have no prediction (first 10: ${firstTen(missing)}). Generate predictions for every row of the test set.`);
  }
  if (extra.length > 0) {
    errors.push(`${P}: ${extra.length} fname(s) are not in the sample (first 10: ${firstTen(extra)}). Predict on the test set that matches ${S}.`);
  }
  if (dups.size > 0) {
    errors.push(`${P}: ${dups.size} fname(s) appear more than once (first 10: ${firstTen([...dups])}). Keep one prediction per fname.`);
  }

  const emptyFnames: string[] = [];
  for (const k of sampleKeys) {
    const row = byKey.get(k);
    if (row && valueCols.some((c) => NULL_LITERALS.has(row[c].trim().toLowerCase()))) emptyFnames.push(k);
  }
  stats.empty = emptyFnames.length;
  if (emptyFnames.length > 0) {
    const what = `${emptyFnames.length} row(s) have an empty or null ("nan"/"None"/"null") ${valueCols.join('/')} (first 10: ${firstTen(emptyFnames)})`;
    if (allowEmpty) warnings.push(`${P}: ${what}; accepted because of --allow-empty.`);
    else errors.push(`${P}: ${what}. Fix the generation (or pass --allow-empty to submit them anyway).`);
  }
  // A NUL (or another control character but tab/newline) survives CSV quoting but breaks the graders' readers.
  const controlFnames = sampleKeys.filter((k) => {
    const row = byKey.get(k);
    return row && valueCols.some((c) => /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(row[c]));
  });
  if (controlFnames.length > 0) {
    errors.push(`${P}: ${controlFnames.length} row(s) have a NUL or other control character in ${valueCols.join('/')} (first 10: ${firstTen(controlFnames)}). Strip them from the generated text.`);
  }
  if (errors.length > 0) return result(errors, warnings, { emptyFnames });

  // The sample's summary column (or its first value column) is what gets scored.
  const textCol = valueCols.includes('summary') ? 'summary' : valueCols[0];
  const degenerate = textCol === undefined ? [] : checkDegenerate({
    rows: sampleKeys.map((k) => ({ fname: k, summary: byKey.get(k)![textCol] })),
    dialogues: opts.dialogues,
    trainSummaryLengths: opts.trainSummaryLengths,
  });
  for (const f of degenerate) {
    if (!f.refuse) warnings.push(`${P}: ${f.message}`);
    else if (opts.allowDegenerate) warnings.push(`${P}: ${f.message} Accepted because of allow_degenerate.`);
    else errors.push(`${P}: ${f.message} Refused: ${ALLOW_DEGENERATE_HINT}.`);
  }
  if (errors.length > 0) return result(errors, warnings, { emptyFnames, degenerate });

  const reordered = preds.rows.some((r, i) => r[KEY] !== sampleKeys[i]);
  if (reordered) warnings.push(`${P}: rows were not in the sample's order; they are written in the sample's order.`);
  // Each cell by its column's name, in the sample's column order.
  const rows = sample.rows.map((s) => {
    const p = byKey.get(s[KEY])!;
    return sample!.header.map((c) => (c === KEY || indexCols.includes(c) ? s[c] : p[c]));
  });
  return result(errors, warnings, { reordered, header: sample.header, rows, emptyFnames, degenerate });
}
