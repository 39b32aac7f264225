import { readFileSync } from 'node:fs';
import { errCode } from './fs-error';

export type JsonRead<T = unknown> = { ok: true; value: T } | { ok: false; missing: boolean; problem: string; cause: unknown };

/**
 * A JSON file, parsed; never throws. `problem` completes "<path> ...":
 * "cannot be read (ENOENT)", "is not valid JSON"; `missing` tells a file
 * that is not there from a broken one.
 */
export function readJsonFile(path: string): JsonRead {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    return { ok: false, missing: errCode(err) === 'ENOENT', problem: `cannot be read (${errCode(err)})`, cause: err };
  }
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (err) {
    return { ok: false, missing: false, problem: 'is not valid JSON', cause: err };
  }
}

/** As readJsonFile, and the value must be a JSON object (not an array, string or null). */
export function readJsonObject(path: string): JsonRead<Record<string, unknown>> {
  const r = readJsonFile(path);
  if (!r.ok) return r;
  const v = r.value;
  if (v && typeof v === 'object' && !Array.isArray(v)) return { ok: true, value: v as Record<string, unknown> };
  return { ok: false, missing: false, problem: 'is not a JSON object', cause: null };
}

/** The object in a JSON file, or null when it is missing, unreadable or no object (for optional records). */
export function jsonObjectOrNull(path: string): Record<string, unknown> | null {
  const r = readJsonObject(path);
  return r.ok ? r.value : null;
}
