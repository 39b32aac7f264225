import { ConfigError, ConfigErrors } from '../config/config-error';
import { describeSchemaErrors, sectionValidator } from '../config/schema';
import { lineOf, YamlSource } from '../config/yaml-source';
import { unknownConfigKey } from './config-keys';
import type { RandomDimension, SweepSpec } from './types';

const SCHEMA_HINT = 'the sweep keys are grid, list, random, max_variants and group_by (packages/nx-autoexp/schema/experiment.schema.json, "sweep")';

/**
 * The `sweep:` section of an experiment's own file, validated: its shape
 * (schema), one of grid/list/random, every dotted key a key of the config
 * schema, random bounds in order. Every problem names the file, line and key.
 */
export function parseSweep(src: YamlSource): SweepSpec {
  const raw = structuredClone(src.value.sweep) as unknown;
  const errors: ConfigError[] = [];
  const at = (path: (string | number)[]) => lineOf(src, ['sweep', ...path]);
  const fail = (path: (string | number)[], problem: string, hint: string | null = null) =>
    errors.push(new ConfigError(problem, src.file, at(path), ['sweep', ...path].join('.'), hint));
  const done = () => {
    if (errors.length === 1) throw errors[0];
    if (errors.length) throw new ConfigErrors(errors);
  };

  const validate = sectionValidator('sweep');
  if (!validate(raw)) {
    for (const p of describeSchemaErrors(validate.errors ?? [])) fail(p.path, p.message, SCHEMA_HINT);
    done();
  }
  const s = raw as {
    grid?: Record<string, unknown[]>;
    list?: Record<string, unknown>[];
    random?: { n: number; seed: number; space: Record<string, Record<string, unknown>> };
    max_variants: number;
    group_by: string[];
  };
  const kinds = (['grid', 'list', 'random'] as const).filter((k) => s[k] !== undefined);
  if (kinds.length !== 1) {
    fail(kinds.length ? [kinds[1]] : [], kinds.length ? `give one of grid, list or random, not ${kinds.join(' and ')}` : 'a sweep needs grid, list or random', 'e.g. sweep: {grid: {train.learning_rate: [3e-5, 1e-4]}}; a list of named variants covers mixed cases');
    done();
  }
  const checkKey = (path: (string | number)[], key: string) => {
    const why = unknownConfigKey(key);
    if (why) fail(path, why, 'use a dotted key of the config, e.g. train.learning_rate or infer.num_beams');
  };

  const grid = Object.entries(s.grid ?? {}).map(([key, values]) => {
    checkKey(['grid', key], key);
    return { key, values, line: at(['grid', key]) };
  });
  const list = (s.list ?? []).map((item, i) => {
    const { name, ...overrides } = item;
    for (const key of Object.keys(overrides)) checkKey(['list', i, key], key);
    if (Object.keys(overrides).length === 0) fail(['list', i], 'a list variant needs at least one dotted key to override', 'e.g. - {name: low-lr, train.learning_rate: 1e-5}');
    return { name: typeof name === 'string' ? name : null, overrides, line: at(['list', i]) };
  });
  let random: SweepSpec['random'] = null;
  if (s.random) {
    const space: RandomDimension[] = [];
    for (const [key, dist] of Object.entries(s.random.space)) {
      checkKey(['random', 'space', key], key);
      const line = at(['random', 'space', key]);
      if ('choice' in dist) space.push({ key, line, choice: dist.choice as unknown[] });
      for (const kind of ['uniform', 'loguniform'] as const) {
        if (!(kind in dist)) continue;
        const [lo, hi] = dist[kind] as [number, number];
        if (lo > hi) fail(['random', 'space', key, kind], `lo > hi: [${lo}, ${hi}]`, `write the bounds low first: [${hi}, ${lo}]`);
        else if (kind === 'loguniform' && lo <= 0) fail(['random', 'space', key, kind], `loguniform needs bounds above 0, got [${lo}, ${hi}]`, 'use uniform for ranges that include 0 or negative values');
        space.push(kind === 'uniform' ? { key, line, uniform: [lo, hi] } : { key, line, loguniform: [lo, hi] });
      }
    }
    // Drawn in key order, so the variants do not depend on how the YAML orders the space.
    space.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    random = { n: s.random.n, seed: s.random.seed, space, line: at(['random']) };
  }
  s.group_by.forEach((key, i) => checkKey(['group_by', i], key));
  done();
  return { file: src.file, line: at([]), kind: kinds[0], grid, list, random, maxVariants: s.max_variants, groupBy: s.group_by };
}
