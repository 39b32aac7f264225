/**
 * The two runtime values the plugin needs from Nx, loaded from the modules
 * @nx/devkit re-exports them from rather than from devkit's index: that index
 * loads all of Nx's generator utilities (~140 ms), and with plugin isolation
 * Nx starts a fresh worker for the plugin, paying it again, on every project
 * graph computation. If a later Nx moves them, @nx/devkit still works.
 */
type Runtime = Pick<typeof import('@nx/devkit'), 'createNodesFromFiles' | 'DependencyType'>;

function load(): Runtime {
  try {
    const { createNodesFromFiles } = require('nx/src/project-graph/plugins/utils');
    const { DependencyType } = require('nx/src/config/project-graph');
    if (typeof createNodesFromFiles === 'function' && DependencyType?.static) return { createNodesFromFiles, DependencyType };
  } catch {
    /* moved: use the public entry point */
  }
  const devkit: Runtime = require('@nx/devkit');
  return { createNodesFromFiles: devkit.createNodesFromFiles, DependencyType: devkit.DependencyType };
}

export const { createNodesFromFiles, DependencyType } = load();
