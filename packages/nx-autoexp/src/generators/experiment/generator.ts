import { Tree, formatFiles, joinPathFragments, offsetFromRoot, readNxJson } from '@nx/devkit';
import { checkExperimentName } from '../../core/config/load-experiment';
import { nxRunCommand, projectOf, sweepRunCommand, variantExperiment } from '../../core/naming/experiment-names';
import { targetNamesOfNxJson } from '../../core/naming/workspace-target-names';
import { parseYamlSource } from '../../core/config/yaml-source';
import { expandSweep } from '../../core/sweep/expand';
import { parseSweep } from '../../core/sweep/parse-sweep';
import { parseSweepOption, sweepSection } from '../../core/sweep/sweep-option';
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
  let text = renderRecipe(options.recipe ?? 'tiny-bart', schemaPath, options.description);
  // --sweep: the file becomes a sweep; expanding it here refuses a bad key or too many variants before anything is written.
  const variants = options.sweep ? sweepVariants((text = `${text.replace(/\n*$/, '\n')}${sweepSection(parseSweepOption(options.sweep))}`), file) : null;
  tree.write(file, text);
  await formatFiles(tree);
  return () => {
    const targets = targetNamesOfNxJson(readNxJson(tree));
    if (variants) {
      console.log(`Created ${file}: a sweep of ${variants.length} variants (${variants.map((v) => projectOf(variantExperiment(options.name, v))).join(', ')}).`);
      console.log(`Run them with: ${sweepRunCommand(options.name, targets)}`);
    } else {
      console.log(`Created ${file}. Run it with: ${nxRunCommand(options.name, 'submit', { targets })}`);
    }
  };
}

/** The variant names of the sweep in `text` (throws the sweep's ConfigError, e.g. more than max_variants). */
function sweepVariants(text: string, file: string): string[] {
  return expandSweep(parseSweep(parseYamlSource(text, file))).map((v) => v.name);
}
