import type { CreateDependencies, CreateNodesV2, ProjectConfiguration, RawProjectGraphDependency } from '@nx/devkit';
import { basename, dirname, join, relative } from 'node:path';
import { loadExperimentCached, loadExperimentFolderCached } from './core/config/experiment-cache';
import type { ResolvedExperiment } from './core/config/types';
import { sweepAnchor, sweepTag, variantRoot } from './plugin/sweep-projects';
import { dataPath, workspaceRelative } from './core/config/data-paths';
import { EXPERIMENT_FILE } from './core/config/experiment-files';
import { experimentOfProject, projectOf } from './core/naming/experiment-names';
import { AutoexpPluginOptions, experimentTargets, resolveOptions } from './plugin/target-definitions';
import { DependencyType, createNodesFromFiles } from './plugin/nx-runtime';
import { ensembleTargets } from './plugin/ensemble-targets';
import { resolveEnsemble } from './core/ensemble/load-ensemble';
import { ConfigNodes, configNodes } from './plugin/config-nodes';
import { Input, PACKAGE_NAME, Step, stepInputs } from './plugin/step-inputs';
import { readRegularFile } from './core/fs/read-regular-file';

export type { AutoexpPluginOptions } from './plugin/target-definitions';

const EXPERIMENT_GLOB = `experiments/*/${EXPERIMENT_FILE}`;

/**
 * experiments/<name>/experiment.yaml -> project exp-<name> with train -> infer -> submit.
 * An invalid config still yields the project (so the rest of the workspace keeps
 * working); its executors report the config error when run.
 */
export const createNodesV2: CreateNodesV2<AutoexpPluginOptions> = [
  EXPERIMENT_GLOB,
  async (configFiles, options, context) => {
    const o = resolveOptions(options);
    // Once per call: what every experiment's targets hash beyond their own config and data.
    const shared = stepInputs(context.workspaceRoot, context.nxJsonConfiguration, o.trainerProject);
    const build: Build = { root: context.workspaceRoot, o, shared };
    return createNodesFromFiles(
      (configFile, _opts, ctx) => {
        const root = dirname(configFile);
        const name = basename(root);
        // Each section's hash, as an external node its own target hashes (plugin/config-nodes.ts).
        const externalNodes: ConfigNodes = {};
        let loaded: ResolvedExperiment[];
        try {
          loaded = loadExperimentFolderCached(ctx.workspaceRoot, name);
        } catch (err) {
          const targets = invalidTargets(build, name, (err as Error).message, externalNodes);
          // Keep the tags it declares (and its sweep's), so `run-many --projects=tag:x` still selects it and reports the error.
          const tags = ['autoexp', 'invalid-config', ...declaredTags(join(ctx.workspaceRoot, configFile), name)];
          return { projects: { [root]: { name: projectOf(name), root, projectType: 'application', tags, targets } }, externalNodes };
        }
        const projects: Record<string, ProjectConfiguration> = {};
        // A sweep: one project per variant, and a target-less node owning the file (plugin/sweep-projects.ts).
        if (loaded[0].sweep) projects[root] = sweepAnchor(root, name, loaded, { train: o.trainTargetName, infer: o.inferTargetName, submit: o.submitTargetName });
        for (const exp of loaded) {
          const at = exp.sweep ? variantRoot(root, exp) : root;
          const tags = ['autoexp', ...(exp.sweep ? [sweepTag(name)] : []), ...(exp.config.tags ?? [])];
          const description = exp.config.description;
          projects[at] = {
            name: exp.project,
            root: at,
            projectType: 'application',
            ...targetsOf(build, exp, tags, description, externalNodes),
          };
        }
        return { projects, externalNodes };
      },
      configFiles,
      options,
      context,
    );
  },
];

/** What one createNodes call builds every project with. */
interface Build {
  root: string;
  o: Required<AutoexpPluginOptions>;
  shared: Record<Step, Input[]>;
}

/** The targets of a config that failed to load; its config nodes carry the error, so fixing it re-runs every target. */
function invalidTargets(b: Build, name: string, message: string, nodes: ConfigNodes) {
  const invalid = `invalid:${message}`;
  const hashes = { train: invalid, infer: invalid, submit: invalid };
  Object.assign(nodes, configNodes(name, hashes));
  return experimentTargets(b.root, null, name, b.o, b.shared, hashes);
}

export const createNodes = createNodesV2;

/**
 * Edges: experiment -> trainer project, -> this plugin's project (when it is one: its code runs
 * every step), -> the project owning its data, -> config (base.yaml), -> a parent it extends.
 */
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
    const experiment = experimentOfProject(source); // a variant's is <folder>--<variant>
    if (experiment === null || !project.root.startsWith('experiments/')) continue;
    const sourceFile = join(project.root, EXPERIMENT_FILE);
    // A variant's root holds no files (Nx keys projects by root), so its edges name no source file.
    let variant = false;
    const targets = new Set<string>();
    if (ctx.projects[o.trainerProject]) targets.add(o.trainerProject);
    if (ctx.projects[PACKAGE_NAME]) targets.add(PACKAGE_NAME);
    const configOwner = owner('config/base.yaml');
    if (configOwner) targets.add(configOwner);
    try {
      const exp = loadExperimentCached(ctx.workspaceRoot, experiment);
      variant = !!exp.sweep;
      // A variant depends on the node owning its sweep's file, so editing the sweep marks it affected.
      const sweepOwner = exp.sweep && owner(exp.file);
      if (sweepOwner) targets.add(sweepOwner);
      for (const f of ['train', 'dev', 'test', 'sample_submission'] as const) {
        const abs = dataPath(ctx.workspaceRoot, exp.config, f);
        const rel = abs && workspaceRelative(ctx.workspaceRoot, abs);
        const dataOwner = rel && owner(rel);
        if (dataOwner) targets.add(dataOwner);
      }
      // An ensemble's members: editing one marks the ensemble affected.
      if (exp.config.ensemble) {
        try {
          for (const m of resolveEnsemble(ctx.workspaceRoot, exp).members) if (ctx.projects[m.project]) targets.add(m.project);
        } catch {
          /* its targets report the member error */
        }
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
      if (target !== source) deps.push(variant ? { source, target, type: DependencyType.implicit } : { source, target, type: DependencyType.static, sourceFile });
    }
  }
  return deps;
};

/**
 * An experiment's targets, tags and metadata; an ensemble's members are resolved here, and a
 * member that does not exist or a cycle makes it an invalid config (its targets report it when run).
 */
function targetsOf(b: Build, exp: ResolvedExperiment, tags: string[], description: string | undefined, nodes: ConfigNodes): Pick<ProjectConfiguration, 'targets' | 'tags' | 'metadata'> {
  const metadata = description ? { description } : undefined;
  if (!exp.config.ensemble) {
    Object.assign(nodes, configNodes(exp.name, exp.hashes));
    return { tags, targets: experimentTargets(b.root, exp, exp.name, b.o, b.shared, exp.hashes), metadata };
  }
  try {
    const resolved = resolveEnsemble(b.root, exp);
    const ensemble = { method: resolved.method, members: resolved.members.map((m) => m.project) };
    Object.assign(nodes, configNodes(exp.name, exp.hashes));
    return { tags, targets: ensembleTargets(b.root, exp, resolved, b.o, b.shared), metadata: { ...metadata, ensemble } };
  } catch (err) {
    return { tags: [...tags, 'invalid-config'], targets: invalidTargets(b, exp.name, (err as Error).message, nodes), metadata };
  }
}

/** Tags of a config that failed validation (with its sweep's tag when it holds one), if its YAML parses at all. */
function declaredTags(file: string, folder: string): string[] {
  try {
    // Loaded on use: only a config that failed to load gets here, and yaml costs every graph computation its require.
    const { parse } = require('yaml') as typeof import('yaml');
    const raw = parse(readRegularFile(file).toString('utf8')) as { tags?: unknown; sweep?: unknown } | null;
    const tags = raw?.tags;
    return [...(raw?.sweep !== undefined ? [sweepTag(folder)] : []), ...(Array.isArray(tags) ? tags.filter((t): t is string => typeof t === 'string') : [])];
  } catch {
    return [];
  }
}
