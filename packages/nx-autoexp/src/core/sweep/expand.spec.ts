import { parseYamlSource } from '../config/yaml-source';
import { ConfigError, ConfigErrors } from '../config/config-error';
import { expandSweep } from './expand';
import { parseSweep } from './parse-sweep';
import { formatValue, variantName } from './variant-name';
import { splitVariant, variantExperiment } from '../naming/experiment-names';
import { groupOf } from './groups';
import { applyOverrides } from './apply-overrides';
import { unknownConfigKey } from './config-keys';

const FILE = 'experiments/lr/experiment.yaml';
const variantsOf = (yaml: string) => expandSweep(parseSweep(parseYamlSource(yaml, FILE)));
const errorOf = (yaml: string): ConfigError => {
  try {
    variantsOf(yaml);
  } catch (err) {
    if (err instanceof ConfigErrors) return err.errors[0];
    return err as ConfigError;
  }
  throw new Error('expected an error');
};

describe('expandSweep: grid', () => {
  const GRID = 'description: x\nsweep:\n  grid:\n    train.learning_rate: [0.003, 0.001]\n    train.seed: [1, 2]\n';
  it('is the cartesian product, named from sorted keys by their last segment', () => {
    const v = variantsOf(GRID);
    expect(v.map((x) => x.name)).toEqual(['learning_rate-0.003-seed-1', 'learning_rate-0.003-seed-2', 'learning_rate-0.001-seed-1', 'learning_rate-0.001-seed-2']);
    expect(v[3].overrides).toEqual({ 'train.learning_rate': 0.001, 'train.seed': 2 });
  });
  it('names and order do not depend on the order of keys in the file', () => {
    const swapped = 'sweep:\n  grid:\n    train.seed: [1, 2]\n    train.learning_rate: [0.003, 0.001]\n';
    const strip = (vs: { name: string; overrides: object }[]) => vs.map(({ name, overrides }) => ({ name, overrides }));
    expect(strip(variantsOf(swapped))).toEqual(strip(variantsOf(GRID)));
  });
  it('adding a value keeps every old variant name', () => {
    const more = GRID.replace('[0.003, 0.001]', '[0.003, 0.001, 0.0003]');
    const old = variantsOf(GRID).map((v) => v.name);
    const now = variantsOf(more).map((v) => v.name);
    expect(now.filter((n) => !old.includes(n))).toEqual(['learning_rate-3e-4-seed-1', 'learning_rate-3e-4-seed-2']);
    expect(old.every((n) => now.includes(n))).toBe(true);
  });
  it('refuses more variants than max_variants, with the count', () => {
    const e = errorOf('sweep:\n  max_variants: 3\n  grid:\n    train.learning_rate: [1, 2]\n    train.seed: [1, 2]\n');
    expect(e.message).toMatch(/^experiments\/lr\/experiment\.yaml:1 \(key: sweep\.max_variants\): the sweep has 4 variants, more than sweep\.max_variants \(3\)/);
  });
  it('default max_variants is 64', () => {
    const e = errorOf(`sweep:\n  grid:\n    train.seed: [${Array.from({ length: 65 }, (_, i) => i).join(', ')}]\n`);
    expect(e.message).toMatch(/65 variants, more than sweep\.max_variants \(64\)/);
    expect(variantsOf(`sweep:\n  grid:\n    train.seed: [${Array.from({ length: 64 }, (_, i) => i).join(', ')}]\n`)).toHaveLength(64);
  });
  it('an unknown key names file, line and key, with the nearest key', () => {
    const e = errorOf('model: {}\nsweep:\n  grid:\n    train.seed: [1]\n    train.lerning_rate: [1, 2]\n');
    expect(e.file).toBe(FILE);
    expect(e.line).toBe(5);
    expect(e.key).toBe('sweep.grid.train.lerning_rate');
    expect(e.message).toMatch(/unknown key 'lerning_rate' in train\. Did you mean 'train\.learning_rate'\?/);
  });
  it('an empty value list is refused at its line', () => {
    const e = errorOf('sweep:\n  grid:\n    train.seed: []\n');
    expect(e.line).toBe(3);
    expect(e.key).toBe('sweep.grid.train.seed');
  });
  it('a repeated value is refused (two variants would share a name)', () => {
    const e = errorOf('sweep:\n  grid:\n    train.seed: [1, 2, 1]\n');
    expect(e.message).toMatch(/:3 \(key: sweep\.grid\.train\.seed\): the value 1 appears twice/);
  });
  it('refuses grid and list together, and a sweep with neither', () => {
    expect(errorOf('sweep:\n  grid: {train.seed: [1]}\n  list: [{train.seed: 2}]\n').message).toMatch(/give one of grid, list or random, not grid and list/);
    expect(errorOf('sweep:\n  max_variants: 4\n').message).toMatch(/a sweep needs grid, list or random/);
  });
  it('a typo in the sweep section itself is an unknown key with a suggestion', () => {
    expect(errorOf('sweep:\n  gird: {train.seed: [1]}\n').message).toMatch(/:2 \(key: sweep\.gird\): unknown key 'gird'\. Did you mean 'grid'\?/);
  });
});

describe('expandSweep: list', () => {
  it('uses each variant its own name, else one built from its values', () => {
    const v = variantsOf('sweep:\n  list:\n    - {name: small, train.learning_rate: 0.001}\n    - {infer.num_beams: 8, train.seed: 3}\n');
    expect(v.map((x) => x.name)).toEqual(['small', 'num_beams-8-seed-3']);
    expect(v[0].overrides).toEqual({ 'train.learning_rate': 0.001 });
  });
  it('two variants with one name: refused at the second, naming the first line', () => {
    const e = errorOf('sweep:\n  list:\n    - {name: a, train.seed: 1}\n    - {name: a, train.seed: 2}\n');
    expect(e.line).toBe(4);
    expect(e.message).toMatch(/two variants are named 'a' \(the other on line 3\)/);
  });
  it('an unknown key in a list item names its line', () => {
    const e = errorOf('sweep:\n  list:\n    - {train.seed: 1}\n    - {infer.beams: 2}\n');
    expect(e.line).toBe(4);
    expect(e.key).toBe('sweep.list.1.infer.beams');
  });
});

describe('expandSweep: random', () => {
  const RANDOM = 'sweep:\n  random:\n    n: 5\n    seed: 11\n    space:\n      train.learning_rate: {loguniform: [0.00001, 0.001]}\n      train.warmup_ratio: {uniform: [0, 0.2]}\n      infer.num_beams: {choice: [2, 4, 8]}\n';
  it('draws n variants inside the space, the same for the same seed whatever the key order', () => {
    const a = variantsOf(RANDOM);
    expect(a).toHaveLength(5);
    for (const v of a) {
      expect(v.overrides['train.learning_rate']).toBeGreaterThanOrEqual(0.00001);
      expect(v.overrides['train.learning_rate']).toBeLessThanOrEqual(0.001);
      expect(v.overrides['train.warmup_ratio']).toBeLessThanOrEqual(0.2);
      expect([2, 4, 8]).toContain(v.overrides['infer.num_beams']);
    }
    const reordered = RANDOM.replace(/( {6}train\.learning_rate.*\n)( {6}train\.warmup.*\n)( {6}infer.*\n)/, '$3$2$1');
    expect(reordered).not.toBe(RANDOM);
    expect(variantsOf(reordered).map((v) => v.name)).toEqual(a.map((v) => v.name));
    expect(variantsOf(RANDOM.replace('seed: 11', 'seed: 12')).map((v) => v.name)).not.toEqual(a.map((v) => v.name));
  });
  it('lo > hi is refused at the bound', () => {
    const e = errorOf('sweep:\n  random:\n    n: 2\n    space:\n      train.warmup_ratio: {uniform: [0.3, 0.1]}\n');
    expect(e.line).toBe(5);
    expect(e.message).toMatch(/lo > hi: \[0\.3, 0\.1\]/);
  });
  it('loguniform at 0 is refused', () => {
    expect(errorOf('sweep:\n  random:\n    n: 2\n    space:\n      train.learning_rate: {loguniform: [0, 0.1]}\n').message).toMatch(/loguniform needs bounds above 0/);
  });
  it('a space too small for n distinct variants is an error, not a loop', () => {
    expect(errorOf('sweep:\n  random:\n    n: 3\n    space:\n      train.seed: {choice: [1, 2]}\n').message).toMatch(/only 2 distinct variants/);
  });
});

describe('variant names and ids', () => {
  it('formats values readably and safely', () => {
    expect(formatValue(1e-5)).toBe('1e-5');
    expect(formatValue(0.001)).toBe('0.001');
    expect(formatValue(-1)).toBe('m1');
    expect(formatValue('a b/c')).toBe('a_b_c');
    expect(formatValue(true)).toBe('true');
    expect(formatValue('x'.repeat(80))).toMatch(/^x{16}_[0-9a-f]{8}$/);
  });
  it('spells the full key when two keys share a last segment', () => {
    expect(variantName({ 'train.seed': 1, 'model.config_overrides.seed': 2 })).toBe('model.config_overrides.seed-2-train.seed-1');
  });
  it('splits at the first "--"', () => {
    expect(splitVariant(variantExperiment('lr', 'seed-1'))).toEqual({ folder: 'lr', variant: 'seed-1' });
    expect(splitVariant('kobart-lr')).toEqual({ folder: 'kobart-lr', variant: null });
  });
  it('groups variants that differ only in group_by keys', () => {
    expect(groupOf('lr', { 'train.learning_rate': 0.001, 'train.seed': 1 }, ['train.seed'])).toBe('lr--learning_rate-0.001');
    expect(groupOf('lr', { 'train.seed': 1 }, ['train.seed'])).toBe('lr');
    expect(groupOf('lr', { 'train.learning_rate': 0.001 }, ['train.seed'])).toBeNull();
  });
  it('applies dotted overrides to a copy', () => {
    const base = { train: { seed: 1, learning_rate: 1 }, model: { lora: null } };
    const out = applyOverrides(base, { 'train.seed': 2, 'model.lora.r': 4 });
    expect(out).toEqual({ train: { seed: 2, learning_rate: 1 }, model: { lora: { r: 4 } } });
    expect(base.train.seed).toBe(1);
  });
  it('accepts keys under free-form mappings and refuses workspace-wide sections', () => {
    expect(unknownConfigKey('model.config_overrides.dropout')).toBeNull();
    expect(unknownConfigKey('model.lora.r')).toBeNull();
    expect(unknownConfigKey('competition.daily_limit')).toMatch(/cannot vary/);
    expect(unknownConfigKey('train.seed.x')).toMatch(/single value/);
  });
});
