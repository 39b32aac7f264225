import { Tree, formatFiles, joinPathFragments, offsetFromRoot } from '@nx/devkit';
import { checkExperimentName } from '../../core/config/load-experiment';
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
    console.log(`Created ${file}. Run it with: npx nx run exp-${options.name}:submit`);
  };
}
