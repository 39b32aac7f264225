import { Tree, formatFiles, joinPathFragments, offsetFromRoot, readNxJson } from '@nx/devkit';
import { checkExperimentName } from '../../core/config/load-experiment';
import { TargetNames, nxRunCommand } from '../../core/naming/experiment-names';
import { AutoexpPluginOptions, resolveOptions } from '../../plugin/target-definitions';
import { renderRecipe } from './render-recipe';
import type { ExperimentGeneratorSchema } from './schema';

export default async function experimentGenerator(tree: Tree, options: ExperimentGeneratorSchema) {
  checkExperimentName(options.name, `experiments/${options.name}`);
  const dir = joinPathFragments('experiments', options.name);
  const file = joinPathFragments(dir, 'experiment.yaml');
  if (tree.exists(file)) {
    throw new Error(`${file} already exists; pick another name or edit that file`);
  }
  const schemaPath = joinPathFragments(offsetFromRoot(dir), 'packages/nx-autoexp/schema/experiment.schema.json');
  tree.write(file, renderRecipe(options.recipe ?? 'tiny-bart', schemaPath, options.description));
  await formatFiles(tree);
  return () => {
    console.log(`Created ${file}. Run it with: ${nxRunCommand(options.name, 'submit', { targets: configuredTargetNames(tree) })}`);
  };
}

/** The target names the workspace's nx.json gives the plugin (train/infer/submit unless renamed). */
function configuredTargetNames(tree: Tree): TargetNames {
  const entry = readNxJson(tree)?.plugins?.find((p) => (typeof p === 'string' ? p : p.plugin) === '@autoexp/nx-autoexp');
  const o = resolveOptions(entry && typeof entry !== 'string' ? (entry.options as AutoexpPluginOptions) : undefined);
  return { train: o.trainTargetName, infer: o.inferTargetName, submit: o.submitTargetName };
}
