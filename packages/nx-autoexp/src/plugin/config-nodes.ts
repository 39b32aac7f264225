import type { ProjectGraphExternalNode } from '@nx/devkit';

export type Section = 'train' | 'infer' | 'submit';
const SECTIONS: Section[] = ['train', 'infer', 'submit'];

/** Not `npm`: lock-file and package.json tools that walk npm nodes leave these alone. */
export const CONFIG_NODE_TYPE = 'autoexp-config';

/**
 * Constant on purpose: Nx recomputes the whole project graph (every file of the
 * workspace re-analysed) when the external nodes' versions change, so a version
 * that followed the config would cost that on every edit. Tasks hash `data.hash`.
 */
const CONFIG_NODE_VERSION = '0';

export type ConfigNodes = Record<string, ProjectGraphExternalNode>;

/** `autoexp-config:<experiment>:<section>`, as `nx show project` lists it among the target's inputs. */
export function configNodeName(experiment: string, section: Section): string {
  return `${CONFIG_NODE_TYPE}:${experiment}:${section}`;
}

/**
 * Why these nodes exist: Nx hashes a project's whole configuration into every
 * one of its tasks, so a section hash placed in target options would make an
 * `infer:` edit retrain too. Each section's hash is instead the hash of an
 * external node of the graph, listed under `externalDependencies` by its own
 * target only (configInput). Nx reads it from the graph in memory; the runtime
 * input this replaces started a process per task on every hash
 * (tools/bench/orchestration). The graph is rebuilt whenever an experiment
 * file changes, so the hash is never older than the YAML.
 */
export function configNodes(experiment: string, hashes: Record<Section, string>): ConfigNodes {
  return Object.fromEntries(
    SECTIONS.map((section) => {
      const name = configNodeName(experiment, section);
      return [name, { type: CONFIG_NODE_TYPE, name, data: { version: CONFIG_NODE_VERSION, packageName: name, hash: hashes[section] } }];
    }),
  );
}

/** The input through which one target hashes its section of the experiment's config. */
export const configInput = (experiment: string, section: Section) => ({ externalDependencies: [configNodeName(experiment, section)] });
