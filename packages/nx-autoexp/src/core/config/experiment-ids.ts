import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadExperimentFolderCached } from './experiment-cache';
import { EXPERIMENTS_DIR, EXPERIMENT_FILE } from './experiment-files';

/**
 * Every experiment of the workspace by id, sorted: a plain folder's name, and
 * for a sweep each variant (`<folder>--<variant>`) instead of the folder. A
 * folder whose config does not load stays as its name, so the caller meets
 * (and reports) its error when it loads it.
 */
export function experimentIds(root: string): string[] {
  const dir = join(root, EXPERIMENTS_DIR);
  if (!existsSync(dir)) return [];
  const ids: string[] = [];
  for (const folder of readdirSync(dir)) {
    if (!existsSync(join(dir, folder, EXPERIMENT_FILE))) continue;
    try {
      ids.push(...loadExperimentFolderCached(root, folder).map((e) => e.name));
    } catch {
      ids.push(folder);
    }
  }
  return ids.sort();
}
