import { join } from 'node:path';
import { readJsonObject } from '../fs/read-json';
import { DEFAULT_TARGET_NAMES, TargetNameSettings, TargetNames, targetNamesOfSettings } from './experiment-names';

/** The plugin's package, as nx.json names it in `plugins`. */
export const PLUGIN_PACKAGE = '@autoexp/nx-autoexp';

/**
 * The target names an nx.json gives the plugin (its first `plugins` entry for
 * the package; a plain string entry has no options), the defaults otherwise.
 * Pure: the generator passes what devkit read, the CLI what is on disk.
 */
export function targetNamesOfNxJson(nxJson: unknown): TargetNames {
  const plugins = (nxJson as { plugins?: unknown } | null)?.plugins;
  if (!Array.isArray(plugins)) return { ...DEFAULT_TARGET_NAMES };
  const entry = plugins.find((p) => (typeof p === 'string' ? p : (p as { plugin?: unknown } | null)?.plugin) === PLUGIN_PACKAGE);
  const options = entry && typeof entry === 'object' ? (entry as { options?: unknown }).options : undefined;
  return targetNamesOfSettings(options && typeof options === 'object' ? (options as TargetNameSettings) : undefined);
}

/**
 * The target names of the workspace at `root`, for the hints of commands run
 * outside an Nx task (leaderboard, report, plan, lb), which get no step
 * context: with targets renamed in nx.json, "run npx nx run exp-x:submit"
 * would name a target that does not exist. An nx.json that is absent or
 * broken gives the defaults: nx itself reports a broken one.
 */
export function workspaceTargetNames(root: string): TargetNames {
  const r = readJsonObject(join(root, 'nx.json'));
  return r.ok ? targetNamesOfNxJson(r.value) : { ...DEFAULT_TARGET_NAMES };
}
