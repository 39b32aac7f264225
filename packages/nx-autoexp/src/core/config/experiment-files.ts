import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from './config-error';
import { experimentOfProject, projectOf, splitVariant, sweepRunCommand } from '../naming/experiment-names';
import { workspaceTargetNames } from '../naming/workspace-target-names';
import type { ResolvedExperiment } from './types';

// Where experiments live, and picking one from a loaded folder: apart from
// load-experiment.ts (yaml, the schema, sweeps) so a pipeline step whose config
// comes from the parsed-config cache never loads the parser.

export const BASE_CONFIG = 'config/base.yaml';
export const EXPERIMENTS_DIR = 'experiments';
export const EXPERIMENT_FILE = 'experiment.yaml';

/** The file of an experiment, or of the sweep a variant (`<folder>--<variant>`) belongs to. */
export function experimentFile(workspaceRoot: string, experiment: string): string {
  return join(workspaceRoot, EXPERIMENTS_DIR, splitVariant(experiment).folder, EXPERIMENT_FILE);
}

/**
 * The experiment a name typed outside Nx means (`autoexp submit --experiment`):
 * a project name (`exp-demo`) means its experiment (`demo`) when that has a
 * file and no experiment is named as typed, so the index keeps one name per
 * experiment; any other name is taken as typed (a submission need not come
 * from an experiments/ folder).
 */
export function experimentOfTypedIn(workspaceRoot: string, typed: string): string {
  const bare = experimentOfProject(typed);
  if (bare === null || existsSync(experimentFile(workspaceRoot, typed))) return typed;
  return existsSync(experimentFile(workspaceRoot, bare)) ? bare : typed;
}

/**
 * The experiment (or variant) `id` among what its folder yields: a folder
 * holding a sweep is no experiment itself, and a plain folder has no variants.
 */
export function pickExperiment(loaded: ResolvedExperiment[], id: string, workspaceRoot: string): ResolvedExperiment {
  const { folder, variant } = splitVariant(id);
  const found = loaded.find((e) => e.name === id);
  if (found) return found;
  const file = loaded[0].file;
  if (!loaded[0].sweep) {
    throw new ConfigError(`no sweep in this file, so there is no variant '${variant}'`, file, null, null, `run ${projectOf(folder)}; "--" in a name separates a sweep from its variant`);
  }
  const names = loaded.map((e) => e.sweep!.variant);
  const list = names.slice(0, 8).join(', ') + (names.length > 8 ? `, ... (${names.length} in all)` : '');
  if (variant === null) {
    throw new ConfigError(`this file holds a sweep of ${names.length} variants and is no experiment itself`, file, null, 'sweep', `run its variants (${list}): ${sweepRunCommand(folder, workspaceTargetNames(workspaceRoot))}; npx autoexp plan ${folder} lists them`);
  }
  throw new ConfigError(`the sweep has no variant '${variant}'`, file, null, 'sweep', `its variants: ${list} (npx autoexp plan ${folder})`);
}
