import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** Recipes ship as YAML beside the package (packages/nx-autoexp/recipes). */
export const RECIPES_DIR = join(__dirname, '..', '..', '..', 'recipes');

export const listRecipes = (): string[] => readdirSync(RECIPES_DIR).filter((f) => f.endsWith('.yaml')).map((f) => f.replace(/\.yaml$/, ''));

/** The recipe's YAML with the schema path filled in and, optionally, its description replaced. */
export function renderRecipe(recipe: string, schemaPath: string, description?: string): string {
  if (!listRecipes().includes(recipe)) throw new Error(`unknown recipe '${recipe}'; available: ${listRecipes().join(', ')}`);
  let text = readFileSync(join(RECIPES_DIR, `${recipe}.yaml`), 'utf8').replace('{{schemaPath}}', schemaPath);
  if (description) text = text.replace(/^description: .*$/m, `description: ${JSON.stringify(description)}`);
  return text;
}
