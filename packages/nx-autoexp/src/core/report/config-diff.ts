import { flattenConfig } from '../submission/leaderboard';

/** The config as dotted keys with JSON-text values, so the page can compare and show them as they are. */
export function flatConfigText(config: unknown): Record<string, string> {
  const flat = flattenConfig(config ?? {});
  // fromEntries defines own keys, so even a key named '__proto__' stays data.
  return Object.fromEntries(Object.keys(flat).sort().map((key) => [key, JSON.stringify(flat[key]) ?? 'null']));
}

export interface ConfigDifference {
  key: string;
  /** null: the key is not set in that config. */
  a: string | null;
  b: string | null;
}

/**
 * Keys whose values differ between two flattened configs, sorted by key.
 * The page runs this very function (its source is inlined), so it must stay
 * self-contained: no imports, no helpers from outside its body.
 */
export function diffConfigs(a: Record<string, string>, b: Record<string, string>): ConfigDifference[] {
  // Own keys only: a config key named 'constructor' must not read Object.prototype.
  const get = (o: Record<string, string>, k: string): string | null => (Object.prototype.hasOwnProperty.call(o, k) ? o[k] : null);
  const keys = Array.from(new Set(Object.keys(a).concat(Object.keys(b)))).sort();
  return keys.filter((k) => get(a, k) !== get(b, k)).map((k) => ({ key: k, a: get(a, k), b: get(b, k) }));
}
