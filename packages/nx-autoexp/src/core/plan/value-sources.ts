import { isPlainObject } from '../config/deep-merge';
import { readYamlSource, hasPath, lineOf, YamlSource } from '../config/yaml-source';
import { join } from 'node:path';

export interface SourcedValue {
  key: string;
  value: unknown;
  /** `file:line` of the most specific file that sets the key, or `default` (the schema). */
  from: string;
}

/** Every leaf of the merged config with the file and line it came from. */
export function valueSources(workspaceRoot: string, config: Record<string, unknown>, sources: string[]): SourcedValue[] {
  const parsed: YamlSource[] = sources.map((s) => readYamlSource(join(workspaceRoot, s), s));
  const out: SourcedValue[] = [];
  const walk = (v: unknown, path: string[]) => {
    if (isPlainObject(v) && Object.keys(v).length > 0) {
      for (const [k, sub] of Object.entries(v)) walk(sub, [...path, k]);
      return;
    }
    const owner = parsed.find((p) => hasPath(p, path));
    out.push({ key: path.join('.'), value: v, from: owner ? `${owner.file}:${lineOf(owner, path) ?? '?'}` : 'default' });
  };
  walk(config, []);
  return out;
}
