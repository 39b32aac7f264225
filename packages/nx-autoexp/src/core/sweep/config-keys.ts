import { readFileSync } from 'node:fs';
import { closest, EXPERIMENT_SCHEMA_PATH } from '../config/schema';

type SchemaNode = { properties?: Record<string, SchemaNode>; additionalProperties?: boolean | SchemaNode; type?: string | string[]; oneOf?: SchemaNode[]; anyOf?: SchemaNode[] };

/** Sections a variant may not change: they are not per-experiment, or they define the sweep itself. */
const NOT_SWEEPABLE = new Set(['extends', 'sweep', 'competition']);

let root: SchemaNode | null = null;
const schemaRoot = (): SchemaNode => (root ??= JSON.parse(readFileSync(EXPERIMENT_SCHEMA_PATH, 'utf8')) as SchemaNode);

/**
 * Why a dotted key (`train.learning_rate`) names no config value of the
 * experiment schema, or null when it does. Keys below a free-form mapping
 * (model.config_overrides.dropout) are accepted: the schema allows any key there.
 */
export function unknownConfigKey(dotted: string): string | null {
  const parts = dotted.split('.');
  if (parts.some((p) => p === '')) return `'${dotted}' is not a dotted config key`;
  if (NOT_SWEEPABLE.has(parts[0])) return `'${parts[0]}' cannot vary between variants`;
  let node = schemaRoot();
  for (let i = 0; i < parts.length; i++) {
    const props = propertiesOf(node);
    const next = props[parts[i]];
    if (next) {
      node = next;
      continue;
    }
    if (openMapping(node)) return null;
    const allowed = Object.keys(props);
    const near = closest(parts[i], allowed);
    const at = parts.slice(0, i).join('.') || 'the top level';
    return allowed.length
      ? `unknown key '${parts[i]}' in ${at}.${near ? ` Did you mean '${[...parts.slice(0, i), near].join('.')}'?` : ''} Allowed there: ${allowed.join(', ')}`
      : `'${parts.slice(0, i).join('.')}' is a single value, it has no key '${parts[i]}'`;
  }
  return null;
}

function propertiesOf(n: SchemaNode): Record<string, SchemaNode> {
  return Object.assign({}, ...[...(n.oneOf ?? []), ...(n.anyOf ?? [])].map((b) => b.properties ?? {}), n.properties ?? {});
}

/** A mapping whose keys the schema leaves free (no `properties`, additionalProperties not false). */
function openMapping(n: SchemaNode): boolean {
  const types = Array.isArray(n.type) ? n.type : [n.type];
  return types.includes('object') && !n.properties && n.additionalProperties !== false;
}
