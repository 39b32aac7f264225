import type { ErrorObject, ValidateFunction } from 'ajv';
import { schemaValidator } from './schema-validators';

export { EXPERIMENT_SCHEMA_PATH } from './schema-validators';

/** Validates and fills defaults in place (precompiled by the build, else compiled once per process). */
export const experimentValidator = (): ValidateFunction => schemaValidator(null);

/** Validates (and fills defaults of) one top-level section of the experiment schema, e.g. `competition`. */
export const sectionValidator = (section: string): ValidateFunction => schemaValidator(section);

export interface SchemaProblem {
  path: (string | number)[];
  message: string;
}

/** Turns ajv's errors into key paths and sentences a person can act on. */
export function describeSchemaErrors(errors: ErrorObject[]): SchemaProblem[] {
  const out: SchemaProblem[] = [];
  const seen = new Set<string>();
  for (const e of errors) {
    const path: (string | number)[] = e.instancePath
      .split('/')
      .slice(1)
      .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
      .map((p) => (/^\d+$/.test(p) ? Number(p) : p));
    let message: string;
    switch (e.keyword) {
      case 'additionalProperties': {
        const extra = (e.params as { additionalProperty: string }).additionalProperty;
        path.push(extra);
        const allowed = Object.keys(((e.parentSchema as { properties?: object })?.properties ?? {}) as object);
        const near = closest(extra, allowed);
        message = `unknown key '${extra}'.${near ? ` Did you mean '${near}'?` : ''} Allowed here: ${allowed.join(', ')}`;
        break;
      }
      case 'type':
        message = `wrong type: expected ${(e.params as { type: string | string[] }).type}`;
        break;
      case 'enum':
        message = `must be one of: ${((e.params as { allowedValues: unknown[] }).allowedValues ?? []).map((v) => JSON.stringify(v)).join(', ')}`;
        break;
      case 'required':
        path.push((e.params as { missingProperty: string }).missingProperty);
        message = `missing required key '${(e.params as { missingProperty: string }).missingProperty}'`;
        break;
      case 'oneOf':
        message = 'must be a positive integer or "auto"';
        break;
      case 'pattern': {
        const desc = (e.parentSchema as { description?: string } | undefined)?.description;
        message = `'${String(e.data)}' does not match ${(e.params as { pattern: string }).pattern}${desc ? ` (${desc})` : ''}`;
        break;
      }
      case 'const':
        continue; // reported through oneOf
      default:
        message = e.message ?? e.keyword;
    }
    const id = path.join('.') + '|' + message;
    if (seen.has(id)) continue;
    seen.add(id);
    out.push({ path, message });
  }
  // A oneOf failure also reports its branches' type errors: keep the clearest line per key.
  return out.filter((p, i) => !(p.message.startsWith('wrong type') && out.some((q, j) => j !== i && q.path.join('.') === p.path.join('.') && q.message.includes('"auto"'))));
}

/** The allowed key within edit distance 3 of a typo, if any. */
export function closest(word: string, candidates: string[]): string | null {
  let best: string | null = null;
  let bestD = 4;
  for (const c of candidates) {
    const d = editDistance(word, c);
    if (d < bestD) [best, bestD] = [c, d];
  }
  return best;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length];
}
