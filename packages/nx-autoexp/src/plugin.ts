import type { CreateDependencies, CreateNodesV2, RawProjectGraphDependency } from '@nx/devkit';
import { basename, dirname, join, relative } from 'node:path';
import { loadExperimentCached } from './core/config/experiment-cache';
import { dataPath, workspaceRelative } from './core/config/data-paths';
import { EXPERIMENT_FILE } from './core/config/load-experiment';
import { experimentOfProject, projectOf } from './core/naming/experiment-names';
import { AutoexpPluginOptions, experimentTargets, resolveOptions } from './plugin/target-definitions';
import { DependencyType, createNodesFromFiles } from './plugin/nx-runtime';
import { readRegularFile } from './core/fs/read-regular-file';
import { parse as parseYaml } from 'yaml';

export type { AutoexpPluginOptions } from './plugin/target-definitions';

const EXPERIMENT_GLOB = `experiments/*/${EXPERIMENT_FILE}`;

/**
 * experiments/<name>/experiment.yaml -> project exp-<name> with train -> infer -> submit.
 * An invalid config still yields the project (so the rest of the workspace keeps
 * working); its executors report the config error when run.
 */
export const createNodesV2: CreateNodesV2<AutoexpPluginOptions> = [
  EXPERIMENT_GLOB,
  (configFiles, options, context) =>
    createNodesFromFiles(
      (configFile, opts, ctx) => {
        const root = dirname(configFile);
        const name = basename(root);
        const o = resolveOptions(opts);
        let targets;
        let tags: string[] = ['autoexp'];
        let description: string | undefined;
        try {
          const exp = loadExperimentCached(ctx.workspaceRoot, name);
          targets = experimentTargets(ctx.workspaceRoot, exp, name, o);
          tags = [...tags, ...(exp.config.tags ?? [])];
          description = exp.config.description;
        } catch (err) {
          targets = experimentTargets(ctx.workspaceRoot, null, name, o, (err as Error).message);
          // Keep the tags it declares, so `run-many --projects=tag:x` still selects it and reports the error.
          tags = [...tags, 'invalid-config', ...declaredTags(join(ctx.workspaceRoot, configFile))];
        }
        return {
          projects: {
            [root]: {
              name: projectOf(name),
              root,
              projectType: 'application',
              tags,
              targets,
              metadata: description ? { description } : undefined,
            },
          },
        };
      },
      configFiles,
      options,
      context,
    ),
];

export const createNodes = createNodesV2;

/** Edges: experiment -> trainer project, -> the project owning its data, -> config (base.yaml). */
export const createDependencies: CreateDependencies<AutoexpPluginOptions> = (options, ctx) => {
  const o = resolveOptions(options);
  const deps: RawProjectGraphDependency[] = [];
  // The deepest project root holding `rel`: one Map lookup per parent folder
  // (scanning every project for every file was quadratic: 0.3 s at 1,000 experiments).
  const byRoot = new Map(Object.entries(ctx.projects).filter(([, p]) => p.root !== '.').map(([name, p]) => [p.root, name]));
  const owner = (rel: string): string | undefined => {
    for (let dir = rel; dir && dir !== '.' && dir !== '/'; dir = dirname(dir)) {
      const name = byRoot.get(dir);
      if (name) return name;
    }
    return undefined;
  };
  for (const [source, project] of Object.entries(ctx.projects)) {
    if (experimentOfProject(source) === null || !project.root.startsWith('experiments/')) continue;
    const experiment = basename(project.root);
    const sourceFile = join(project.root, EXPERIMENT_FILE);
    const targets = new Set<string>();
    if (ctx.projects[o.trainerProject]) targets.add(o.trainerProject);
    const configOwner = owner('config/base.yaml');
    if (configOwner) targets.add(configOwner);
    try {
      const exp = loadExperimentCached(ctx.workspaceRoot, experiment);
      for (const f of ['train', 'dev', 'test', 'sample_submission'] as const) {
        const abs = dataPath(ctx.workspaceRoot, exp.config, f);
        const rel = abs && workspaceRelative(ctx.workspaceRoot, abs);
        const dataOwner = rel && owner(rel);
        if (dataOwner) targets.add(dataOwner);
      }
      // extends: a parent experiment is a dependency too.
      for (const s of exp.sources.slice(1)) {
        const parentOwner = owner(relative('.', s));
        if (parentOwner && parentOwner !== source) targets.add(parentOwner);
      }
    } catch {
      /* invalid config: the executor reports it */
    }
    for (const target of targets) {
      if (target !== source) deps.push({ source, target, type: DependencyType.static, sourceFile });
    }
  }
  return deps;
};

/** Tags of a config that failed validation, if its YAML parses at all. */
function declaredTags(file: string): string[] {
  try {
    const tags = (parseYaml(readRegularFile(file).toString('utf8')) as { tags?: unknown } | null)?.tags;
    return Array.isArray(tags) ? tags.filter((t): t is string => typeof t === 'string') : [];
  } catch {
    return [];
  }
}
