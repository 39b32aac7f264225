import { isPlainObject } from '../config/deep-merge';

/** A copy of `config` with each dotted key set (`train.learning_rate` -> config.train.learning_rate). */
export function applyOverrides(config: Record<string, unknown>, overrides: Record<string, unknown>): Record<string, unknown> {
  const out = structuredClone(config);
  for (const [dotted, value] of Object.entries(overrides)) {
    const parts = dotted.split('.');
    let node = out;
    for (const p of parts.slice(0, -1)) {
      if (!isPlainObject(node[p])) node[p] = {}; // e.g. model.lora.r while lora is null
      node = node[p] as Record<string, unknown>;
    }
    node[parts[parts.length - 1]] = structuredClone(value);
  }
  return out;
}

/** The override key that a config path lies under (or is a parent of), if any: errors there are the sweep's. */
export function overrideKeyOf(path: (string | number)[], overrides: Record<string, unknown>): string | null {
  const p = path.join('.');
  for (const k of Object.keys(overrides)) if (p === k || p.startsWith(`${k}.`) || k.startsWith(`${p}.`)) return k;
  return null;
}
