import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { writeFileAtomic } from '../fs/atomic-write';
import { decodeUtf8Strict } from '../fs/utf8';
import { SubmissionError } from './submission-error';

export interface CsvTable {
  header: string[];
  rows: Record<string, string>[];
  bom: boolean;
  lineEnding: 'lf' | 'crlf';
}

const BOM = [0xef, 0xbb, 0xbf];

/** Decodes strict UTF-8; the error names the file, byte offset and line. */
export function decodeUtf8(buf: Uint8Array, path: string): string {
  const r = decodeUtf8Strict(buf);
  if ('text' in r) return r.text;
  throw new SubmissionError(
    `${path}: not valid UTF-8 at byte offset ${r.offset} (line ${r.line}). ` +
      `Save the file as UTF-8 (pandas: df.to_csv(path, index=False, encoding="utf-8")).`,
  );
}

/** Parses CSV text (no BOM) into header + records; errors name the file and line. */
export function parseCsvText(text: string, path: string): { header: string[]; records: string[][] } {
  let records: string[][];
  try {
    records = parse(text, { skip_empty_lines: true, relax_column_count: false }) as string[][];
  } catch (err) {
    throw new SubmissionError(`${path}: not a valid CSV file: ${(err as Error).message}. Check the quoting on that line.`);
  }
  const [header = [], ...rest] = records;
  const seen = new Set<string>();
  for (const name of header) {
    if (seen.has(name)) throw new SubmissionError(`${path}: the header names column '${name}' twice. Rename or drop one of them.`);
    seen.add(name);
  }
  return { header, records: rest };
}

/**
 * Reads a CSV file: UTF-8 with or without BOM, LF or CRLF, RFC 4180 quoting
 * (fields may hold commas, quotes and newlines).
 */
export function readCsv(path: string): CsvTable {
  let buf: Buffer;
  try {
    buf = readFileSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new SubmissionError(code === 'ENOENT' ? `${path}: file not found.` : `${path}: cannot read (${(err as Error).message}).`);
  }
  const bom = buf.length >= 3 && buf[0] === BOM[0] && buf[1] === BOM[1] && buf[2] === BOM[2];
  const text = decodeUtf8(bom ? buf.subarray(3) : buf, path);
  const firstLf = text.indexOf('\n');
  const lineEnding = firstLf > 0 && text[firstLf - 1] === '\r' ? 'crlf' : 'lf';
  const { header, records } = parseCsvText(text, path);
  const rows = records.map((rec) => {
    const row: Record<string, string> = {};
    header.forEach((h, i) => (row[h] = rec[i]));
    return row;
  });
  return { header, rows, bom, lineEnding };
}

/** CSV text: UTF-8 (no BOM), LF line ends, RFC 4180 quoting where needed. */
export function toCsvText(header: string[], rows: string[][]): string {
  return stringify([header, ...rows], { record_delimiter: 'unix' });
}

/** Writes a CSV atomically (temp file + rename): readers see old or new, never torn. */
export function writeCsv(path: string, header: string[], rows: string[][]): void {
  writeFileAtomic(path, toCsvText(header, rows));
}
