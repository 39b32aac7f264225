import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { parse } from 'yaml';
import generator from './generator';
import { listRecipes } from './render-recipe';

describe('experiment generator', () => {
  it.each(listRecipes())('writes a schema-tagged experiment from recipe %s', async (recipe) => {
    const tree = createTreeWithEmptyWorkspace();
    await generator(tree, { name: `x-${recipe}`, recipe: recipe as never });
    const text = tree.read(`experiments/x-${recipe}/experiment.yaml`, 'utf8') as string;
    expect(text.split('\n')[0]).toBe('# yaml-language-server: $schema=../../packages/nx-autoexp/schema/experiment.schema.json');
    expect(parse(text).model.type).toMatch(/^(seq2seq|causal_lm)$/);
  });

  it('refuses a name with spaces and an existing experiment', async () => {
    const tree = createTreeWithEmptyWorkspace();
    await expect(generator(tree, { name: 'bad name' })).rejects.toThrow(/invalid experiment folder name/);
    await generator(tree, { name: 'a' });
    await expect(generator(tree, { name: 'a' })).rejects.toThrow(/already exists/);
  });

  it('offline recipes are tagged offline, real-model ones are not', async () => {
    const tree = createTreeWithEmptyWorkspace();
    await generator(tree, { name: 'b', recipe: 'tiny-lora' });
    await generator(tree, { name: 'k', recipe: 'kobart', description: 'lr sweep' });
    expect(parse(tree.read('experiments/b/experiment.yaml', 'utf8') as string).tags).toContain('offline');
    const k = parse(tree.read('experiments/k/experiment.yaml', 'utf8') as string);
    expect(k.tags).not.toContain('offline');
    expect(k.description).toBe('lr sweep');
  });
});
