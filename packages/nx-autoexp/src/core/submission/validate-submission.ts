import { CsvTable, readCsv } from './csv-io';
import { SubmissionError } from './submission-error';

export interface ValidateSubmissionOptions {
  predictionsPath: string;
  samplePath: string;
  /** Accept empty / "nan" / "None" / "null" summaries (they are listed in the result). */
  allowEmpty?: boolean;
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
}

const KEY = 'fname';
// What pandas and friends write for a missing value: never a real summary.
const NULL_LITERALS = new Set(['', 'nan', 'none', 'null']);

function firstTen(list: string[]): string {
  const shown = list.slice(0, 10).map((s) => (s === '' ? '(empty)' : s));
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

  // Columns: [index columns from the sample] fname [value columns from the predictions].
  const keyAt = sample.header.indexOf(KEY);
  if (keyAt < 0) {
    errors.push(`${S}: the sample has no '${KEY}' column${columnHint(KEY, sample.header)}; header is '${sample.header.join(',')}'. Point --sample at the competition's sample_submission.csv.`);
    return result(errors, warnings);
  }
  const indexCols = sample.header.slice(0, keyAt);
  const valueCols = sample.header.slice(keyAt + 1);
  if (!preds.header.includes(KEY)) {
    errors.push(`${P}: no '${KEY}' column${columnHint(KEY, preds.header)}; header is '${preds.header.join(',')}'. The predictions need the columns ${[KEY, ...valueCols].join(',')}.`);
  }
  for (const col of valueCols) {
    if (!preds.header.includes(col)) {
      errors.push(`${P}: no '${col}' column${columnHint(col, preds.header)}; the sample's header is '${sample.header.join(',')}'.`);
    }
  }
  const predKeyAt = preds.header.indexOf(KEY);
  const unknown = preds.header.filter((h) => !sample!.header.includes(h));
  const leadingUnknown = unknown.filter((h) => preds!.header.indexOf(h) < predKeyAt);
  const otherUnknown = unknown.filter((h) => !leadingUnknown.includes(h));
  if (otherUnknown.length > 0) {
    errors.push(`${P}: column(s) not in the sample: ${otherUnknown.map((h) => `'${h}'`).join(', ')}. The submission must have exactly the sample's columns '${sample.header.join(',')}'; drop the others.`);
  }
  if (errors.length > 0) return result(errors, warnings);
  if (leadingUnknown.length > 0) {
    // A pandas index written by mistake: harmless, the sample decides the columns.
    warnings.push(`${P}: ignored leading column(s) ${leadingUnknown.map((h) => `'${h}'`).join(', ')} that the sample does not have.`);
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
  if (errors.length > 0) return result(errors, warnings, { emptyFnames });

  const reordered = preds.rows.some((r, i) => r[KEY] !== sampleKeys[i]);
  if (reordered) warnings.push(`${P}: rows were not in the sample's order; they are written in the sample's order.`);
  const rows = sample.rows.map((s) => {
    const p = byKey.get(s[KEY])!;
    return [...indexCols.map((c) => s[c]), s[KEY], ...valueCols.map((c) => p[c])];
  });
  return result(errors, warnings, { reordered, header: sample.header, rows, emptyFnames });
}
