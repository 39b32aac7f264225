#!/usr/bin/env node
/**
 * Times the compiled plugin's createNodesV2 (and createDependencies) over
 * every experiments/<name>/experiment.yaml of a workspace, with the context
 * Nx passes, in one process: the first call is cold (nothing parsed yet,
 * schema compiled on first use), the next ones warm (the parsed-config cache
 * of core/config/experiment-cache.ts). The first experiment is timed alone:
 * it carries the one-time costs (schema compile). Per-project figures count
 * what the files yield (a sweep file is many projects). Prints one JSON line.
 *
 *   node tools/bench/scale/create-nodes.js WORKSPACE_ROOT [--warm-runs 3] [--plugin path/to/dist]
 */
'use strict';
const { readdirSync, existsSync, readFileSync } = require('node:fs');
const { join, resolve } = require('node:path');
const { parseArgs } = require('node:util');
const { performance } = require('node:perf_hooks');

const { values, positionals } = parseArgs({ allowPositionals: true, options: { 'warm-runs': { type: 'string', default: '3' }, plugin: { type: 'string' } } });
const root = positionals[0];
if (!root) {
  console.error('usage: create-nodes.js WORKSPACE_ROOT [--warm-runs 3]');
  process.exit(2);
}

const t0 = performance.now();
// --plugin: another build of the plugin (its dist/ folder), e.g. to try a change.
const plugin = require(values.plugin ? resolve(values.plugin, 'plugin') : join(__dirname, '../../../packages/nx-autoexp/dist/plugin'));
const requireMs = performance.now() - t0;
const [glob, createNodes] = plugin.createNodesV2;

const files = readdirSync(join(root, 'experiments'))
  .map((name) => `experiments/${name}/experiment.yaml`)
  .filter((f) => existsSync(join(root, f)))
  .sort();
const nxJson = JSON.parse(readFileSync(join(root, 'nx.json'), 'utf8'));
const context = { nxJsonConfiguration: nxJson, workspaceRoot: root };
const options = {};

async function timeCreateNodes(list) {
  const s = performance.now();
  const results = await createNodes(list, options, context);
  return { ms: performance.now() - s, results };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];

function projectsOf(results) {
  // The generated workspace's other projects (project.json), so the edges exist as under Nx.
  const projects = { trainer: { root: 'packages/trainer' }, 'data-bench': { root: 'data/bench' }, config: { root: 'config' } };
  for (const [, r] of results) for (const [projectRoot, p] of Object.entries(r.projects ?? {})) projects[p.name] = { ...p, root: projectRoot };
  return projects;
}

/** Projects with targets that the results hold (a sweep's target-less anchor node is not one). */
const experimentProjects = (results) => results.reduce((n, [, r]) => n + Object.values(r.projects ?? {}).filter((p) => Object.keys(p.targets ?? {}).length).length, 0);

(async () => {
  // The first experiment alone carries the one-time costs (schema compile, first reads).
  const first = await timeCreateNodes(files.slice(0, 1));
  const cold = await timeCreateNodes(files.slice(1));
  const warm = [];
  let all = null;
  for (let i = 0; i < Number(values['warm-runs']); i++) {
    const r = await timeCreateNodes(files);
    warm.push(r.ms);
    all = r.results;
  }
  const projects = projectsOf(all ?? [...first.results, ...cold.results]);
  const invalid = Object.values(projects).filter((p) => (p.tags ?? []).includes('invalid-config')).length;
  const s = performance.now();
  const deps = await plugin.createDependencies(options, { projects, workspaceRoot: root, nxJsonConfiguration: nxJson, fileMap: { projectFileMap: {}, nonProjectFiles: [] }, filesToProcess: { projectFileMap: {}, nonProjectFiles: [] } });
  const depsMs = performance.now() - s;
  const n = files.length;
  console.log(
    JSON.stringify({
      experiments: n,
      projects: Object.keys(projects).length,
      invalid,
      require_ms: +requireMs.toFixed(1),
      first_call_ms: +first.ms.toFixed(1),
      cold_ms: +cold.ms.toFixed(1),
      cold_ms_per_experiment: +(cold.ms / Math.max(1, n - 1)).toFixed(3),
      cold_projects: experimentProjects(cold.results),
      cold_ms_per_project: +(cold.ms / Math.max(1, experimentProjects(cold.results))).toFixed(3),
      warm_ms: warm.map((m) => +m.toFixed(1)),
      warm_ms_per_experiment: +(median(warm) / n).toFixed(4),
      warm_ms_per_project: +(median(warm) / Math.max(1, experimentProjects(all ?? []))).toFixed(4),
      create_dependencies_ms: +depsMs.toFixed(1),
      dependencies: deps.length,
    }),
  );
})().catch((err) => {
  console.error(err);
  process.exit(1);
});
