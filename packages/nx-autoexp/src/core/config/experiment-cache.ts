import { statSync } from 'node:fs';
import { join } from 'node:path';
import { BASE_CONFIG, experimentFile, loadExperiment } from './load-experiment';
import type { ResolvedExperiment } from './types';

/**
 * Memoises loadExperiment by the (size, mtime) of the experiment file and of
 * config/base.yaml, so the Nx plugin (createNodes + createDependencies, run
 * on every graph computation) parses each config once per change.
 * `extends` parents are re-read only when the child or base changes; an edited
 * parent is picked up because its stamp is part of the key via `sources`.
 */
type Entry = { key: string; value: ResolvedExperiment | Error };
const cache = new Map<string, Entry>();

function stamp(path: string): string {
  try {
    const s = statSync(path);
    return `${s.size}:${s.mtimeMs}`;
  } catch {
    return 'missing';
  }
}

export function loadExperimentCached(workspaceRoot: string, name: string): ResolvedExperiment {
  const own = experimentFile(workspaceRoot, name);
  const prev = cache.get(`${workspaceRoot}\0${name}`);
  const sourcesOf = (e: Entry | undefined) => (e && !(e.value instanceof Error) ? e.value.sources : []);
  const key = [own, join(workspaceRoot, BASE_CONFIG), ...sourcesOf(prev).map((s) => join(workspaceRoot, s))].map(stamp).join('|');
  if (prev && prev.key === key) {
    if (prev.value instanceof Error) throw prev.value;
    return prev.value;
  }
  let value: ResolvedExperiment | Error;
  try {
    value = loadExperiment(workspaceRoot, name);
  } catch (err) {
    value = err as Error;
  }
  const finalKey = [own, join(workspaceRoot, BASE_CONFIG), ...sourcesOf({ key: '', value }).map((s) => join(workspaceRoot, s))].map(stamp).join('|');
  cache.set(`${workspaceRoot}\0${name}`, { key: finalKey, value });
  if (value instanceof Error) throw value;
  return value;
}

/** For tests. */
export function clearExperimentCache(): void {
  cache.clear();
}

