/**
 * Config differences, one implementation for `autoexp plan` (what changed
 * since the last train), `autoexp leaderboard --diff` and the report page.
 */

/** Nested sections as dotted keys (`train.learning_rate`); arrays and empty sections are values. */
export function flattenConfig(value: unknown, prefix = '', out: Record<string, unknown> = {}): Record<string, unknown> {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 0 && prefix) out[prefix] = {};
    for (const [k, v] of entries) flattenConfig(v, prefix ? `${prefix}.${k}` : k, out);
  } else if (prefix) {
    out[prefix] = value;
  }
  return out;
}

/** The config as dotted keys with JSON-text values, so the page can compare and show them as they are. An undefined value is an unset key. */
export function flatConfigText(config: unknown): Record<string, string> {
  const flat = flattenConfig(config ?? {});
  // fromEntries defines own keys, so even a key named '__proto__' stays data.
  return Object.fromEntries(
    Object.keys(flat)
      .filter((key) => flat[key] !== undefined)
      .sort()
      .map((key) => [key, JSON.stringify(flat[key]) ?? 'null']),
  );
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

/** The differing keys of two configs with their values (undefined: unset), sorted by key; `ignore` drops keys. */
export function diffConfigValues(a: unknown, b: unknown, ignore: (key: string) => boolean = () => false): { key: string; a: unknown; b: unknown }[] {
  const flatA = flattenConfig(a ?? {});
  const flatB = flattenConfig(b ?? {});
  return diffConfigs(flatConfigText(flatA), flatConfigText(flatB))
    .filter((d) => !ignore(d.key))
    .map((d) => ({ key: d.key, a: flatA[d.key], b: flatB[d.key] }));
}
