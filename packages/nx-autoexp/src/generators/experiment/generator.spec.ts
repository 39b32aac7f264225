import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { loadExperiment, loadExperimentFolder } from '../../core/config/load-experiment';
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

  // The shipped demos are what e2e/pipeline and e2e/offline train and hold to the trivial baselines (init_std 0.1 etc.
  // keep the tiny models from writing one summary everywhere): a generated tiny experiment must be that config, not an older one.
  it.each([['tiny-bart', 'demo'], ['tiny-t5', 'demo-t5'], ['tiny-lora', 'demo-lora']])('recipe %s is the config of the shipped experiments/%s but for its demo tag', async (recipe, demo) => {
    const tree = createTreeWithEmptyWorkspace();
    await generator(tree, { name: 'r', recipe: recipe as never });
    const generated = parse(tree.read('experiments/r/experiment.yaml', 'utf8') as string);
    const shipped = parse(readFileSync(join(__dirname, '..', '..', '..', '..', '..', 'experiments', demo, 'experiment.yaml'), 'utf8'));
    expect(shipped.tags).toContain('demo');
    expect(generated).toEqual({ ...shipped, tags: shipped.tags.filter((t: string) => t !== 'demo') });
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

  it('--sweep writes a grid whose variants load through the real loader, one per value', async () => {
    const tree = createTreeWithEmptyWorkspace();
    await generator(tree, { name: 'lr', recipe: 'kobart', sweep: 'train.learning_rate=1e-5,3e-5,5e-5' });
    const text = tree.read('experiments/lr/experiment.yaml', 'utf8') as string;
    expect(parse(text).sweep).toEqual({ grid: { 'train.learning_rate': [1e-5, 3e-5, 5e-5] } });
    const root = mkdtempSync(join(tmpdir(), 'autoexp-recipe-'));
    try {
      cpSync(join(__dirname, '..', '..', '..', '..', '..', 'config'), join(root, 'config'), { recursive: true });
      mkdirSync(join(root, 'experiments', 'lr'), { recursive: true });
      writeFileSync(join(root, 'experiments', 'lr', 'experiment.yaml'), text);
      const variants = loadExperimentFolder(root, 'lr');
      expect(variants.map((v) => v.project)).toEqual(['exp-lr--learning_rate-1e-5', 'exp-lr--learning_rate-3e-5', 'exp-lr--learning_rate-5e-5']);
      expect(variants.map((v) => v.config.train.learning_rate)).toEqual([1e-5, 3e-5, 5e-5]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('--sweep with several keys is a grid; a bad key, an empty value or too many variants writes nothing', async () => {
    const tree = createTreeWithEmptyWorkspace();
    await generator(tree, { name: 'g', sweep: 'train.learning_rate=0.001,0.003; train.seed=1,2' });
    expect(parse(tree.read('experiments/g/experiment.yaml', 'utf8') as string).sweep.grid).toEqual({ 'train.learning_rate': [0.001, 0.003], 'train.seed': [1, 2] });
    await expect(generator(tree, { name: 'b1', sweep: 'train.lerning_rate=1,2' })).rejects.toThrow(/unknown key 'lerning_rate' in train\. Did you mean 'train\.learning_rate'/);
    await expect(generator(tree, { name: 'b2', sweep: 'train.seed=1,,2' })).rejects.toThrow(/an empty value/);
    await expect(generator(tree, { name: 'b3', sweep: `train.seed=${Array.from({ length: 65 }, (_, i) => i).join(',')}` })).rejects.toThrow(/65 variants, more than sweep\.max_variants \(64\)/);
    for (const n of ['b1', 'b2', 'b3']) expect(tree.exists(`experiments/${n}/experiment.yaml`)).toBe(false);
  });

  it('the printed run command names the submit target nx.json configures', async () => {
    const lines = async (tree: ReturnType<typeof createTreeWithEmptyWorkspace>) => {
      const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
      try {
        (await generator(tree, { name: 'named' }))();
        return log.mock.calls.map((c) => String(c[0]));
      } finally {
        log.mockRestore();
      }
    };
    const renamed = createTreeWithEmptyWorkspace();
    renamed.write('nx.json', JSON.stringify({ plugins: [{ plugin: '@autoexp/nx-autoexp', options: { submitTargetName: 'upload' } }] }));
    expect(await lines(renamed)).toEqual(['Created experiments/named/experiment.yaml. Run it with: npx nx run exp-named:upload']);
    expect(await lines(createTreeWithEmptyWorkspace())).toEqual(['Created experiments/named/experiment.yaml. Run it with: npx nx run exp-named:submit']);
  });
});
