import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { loadExperiment } from '../../core/config/load-experiment';
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

  it.each(listRecipes())('recipe %s loads through the real config loader over the repo base.yaml (no unknown or mistyped key)', async (recipe) => {
    const tree = createTreeWithEmptyWorkspace();
    await generator(tree, { name: 'r', recipe: recipe as never });
    const root = mkdtempSync(join(tmpdir(), 'autoexp-recipe-'));
    try {
      cpSync(join(__dirname, '..', '..', '..', '..', '..', 'config'), join(root, 'config'), { recursive: true });
      mkdirSync(join(root, 'experiments', 'r'), { recursive: true });
      writeFileSync(join(root, 'experiments', 'r', 'experiment.yaml'), tree.read('experiments/r/experiment.yaml', 'utf8') as string);
      const { config } = loadExperiment(root, 'r');
      expect(config.model.type).toMatch(/^(seq2seq|causal_lm)$/);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
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
