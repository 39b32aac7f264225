import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../config/config-error';
import { loadExperimentFolderCached } from '../config/experiment-cache';
import { projectOf, sweepTagOf } from '../naming/experiment-names';
import { EXPERIMENTS_DIR, experimentFile } from '../config/experiment-files';
import { hasPath, lineOf, readYamlSource } from '../config/yaml-source';
import type { EnsembleConfig, ResolvedExperiment } from '../config/types';
import { CatalogEntry, MemberSpecError, ResolvedMember, findEnsembleCycle, resolveMemberSpecs } from './resolve-members';

export interface ResolvedEnsemble {
  method: EnsembleConfig['method'];
  /** The member projects, in the order of ensemble.members (tags expanded), each once. */
  members: ResolvedMember[];
}

/**
 * Every experiment project of the workspace, by project name, with its tags
 * as the plugin gives them: a sweep's variants (exp-<name>--<variant>, tagged
 * sweep:<name>) instead of its folder. A config that does not load is still a
 * project (the plugin keeps it, with an invalid-config target), so it stays
 * nameable as a member.
 */
export function workspaceCatalog(workspaceRoot: string): Map<string, CatalogEntry> {
  const dir = join(workspaceRoot, EXPERIMENTS_DIR);
  const catalog = new Map<string, CatalogEntry>();
  const folders = existsSync(dir) ? readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort() : [];
  for (const folder of folders) {
    if (!existsSync(experimentFile(workspaceRoot, folder))) continue;
    let loaded: ResolvedExperiment[] = [];
    try {
      loaded = loadExperimentFolderCached(workspaceRoot, folder);
    } catch {
      /* reported by that experiment's own targets */
    }
    if (loaded.length === 0) catalog.set(projectOf(folder), { project: projectOf(folder), experiment: folder, tags: ['autoexp'] });
    for (const exp of loaded) {
      const tags = ['autoexp', ...(exp.sweep ? [sweepTagOf(folder)] : []), ...(exp.config.tags ?? [])];
      catalog.set(exp.project, { project: exp.project, experiment: exp.name, tags, ...(exp.config.ensemble ? { ensembleMembers: exp.config.ensemble.members } : {}) });
    }
  }
  return catalog;
}

/**
 * The members of an ensemble experiment, checked before anything runs: each
 * names a project, none is the ensemble itself, no ensemble member leads back
 * to it, at least two remain. A ConfigError names the file, line and key.
 */
export function resolveEnsemble(workspaceRoot: string, exp: ResolvedExperiment, catalog = workspaceCatalog(workspaceRoot)): ResolvedEnsemble {
  const spec = exp.config.ensemble;
  if (!spec) throw new Error(`${exp.project} is not an ensemble`);
  const blame = (path: (string | number)[], problem: string, hint: string): ConfigError => {
    // The most specific file of the extends chain that spells out the key.
    const sources = exp.sources.map((f) => readYamlSource(join(workspaceRoot, f), f));
    const owner = sources.find((s) => hasPath(s, path)) ?? sources.find((s) => hasPath(s, ['ensemble'])) ?? sources[0];
    return new ConfigError(problem, owner.file, lineOf(owner, path), path.join('.'), hint);
  };
  let members: ResolvedMember[];
  try {
    members = resolveMemberSpecs(exp.project, spec.members, catalog);
  } catch (err) {
    if (!(err instanceof MemberSpecError)) throw err;
    throw blame(err.index === null ? ['ensemble', 'members'] : ['ensemble', 'members', err.index], err.problem, err.hint);
  }
  // Other ensembles' members, resolved leniently: their own mistakes are reported by their own targets.
  const membersOf = (project: string): string[] => {
    if (project === exp.project) return members.map((m) => m.project);
    const specs = catalog.get(project)?.ensembleMembers;
    if (!specs) return [];
    try {
      return resolveMemberSpecs(project, specs, catalog).map((m) => m.project);
    } catch {
      return [];
    }
  };
  const cycle = findEnsembleCycle(exp.project, membersOf);
  if (cycle) {
    const first = members.find((m) => m.project === cycle[1]) as ResolvedMember;
    throw blame(['ensemble', 'members', first.specIndex], `ensemble cycle: ${cycle.join(' -> ')}`, `an ensemble cannot depend on itself: remove ${cycle[1]} from ensemble.members here, or ${cycle[cycle.length - 2]}'s member ${exp.project}`);
  }
  return { method: spec.method, members };
}
