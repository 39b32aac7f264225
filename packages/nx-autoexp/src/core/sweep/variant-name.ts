import { createHash } from 'node:crypto';
import { stableStringify } from '../config/hash';

const MAX_VALUE_CHARS = 32;

/** A value as it appears in a variant name: short, readable, only [A-Za-z0-9_.-]. */
export function formatValue(v: unknown): string {
  let s: string;
  if (typeof v === 'number' && v < 0) {
    return `m${formatValue(-v)}`; // a leading '-' would read as a separator
  } else if (typeof v === 'number') {
    // 1e-5 reads better than 0.00001; 0.001 stays as written.
    s = v !== 0 && Number.isFinite(v) && Math.abs(v) < 1e-3 ? v.toExponential().replace('e+', 'e') : String(v);
  } else if (typeof v === 'string') {
    s = v;
  } else {
    s = stableStringify(v);
  }
  s = s.replace(/[^A-Za-z0-9_.-]+/g, '_').replace(/\.{2,}/g, '.').replace(/-{2,}/g, '-').replace(/^[_.-]+|[_.-]+$/g, '');
  if (s.length > MAX_VALUE_CHARS) s = `${s.slice(0, 16)}_${createHash('sha1').update(stableStringify(v)).digest('hex').slice(0, 8)}`;
  return s || '_';
}

/**
 * The name of a variant from its overrides: keys sorted, each as its last
 * dotted segment (the full key when two keys share a last segment) and its
 * value, e.g. {train.seed: 2, train.learning_rate: 0.001} ->
 * `learning_rate-0.001-seed-2`. The same overrides give the same name in any
 * key order, so a variant keeps its project (and its cache) across edits.
 */
export function variantName(overrides: Record<string, unknown>): string {
  const keys = Object.keys(overrides).sort();
  const last = (k: string) => k.slice(k.lastIndexOf('.') + 1);
  const shared = new Set(keys.map(last).filter((l, i, all) => all.indexOf(l) !== i));
  return keys.map((k) => `${shared.has(last(k)) ? k : last(k)}-${formatValue(overrides[k])}`).join('-');
}
