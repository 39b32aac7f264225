import type { RandomGenerator } from 'pure-rand';
import { ConfigError } from '../config/config-error';
import { formatValue, variantName } from './variant-name';
import type { RandomDimension, SweepSpec, SweepVariant } from './types';

/** Draws per wanted random variant before giving up on finding distinct points. */
const DRAWS_PER_VARIANT = 50;

/**
 * The variants of a sweep, in a stable order: grid in sorted key order
 * (cartesian product), list in file order, random in draw order (the same
 * seed gives the same variants). Refuses a sweep larger than
 * sweep.max_variants (with the count) and two variants with one name.
 */
export function expandSweep(spec: SweepSpec): SweepVariant[] {
  const count = spec.kind === 'grid' ? spec.grid.reduce((n, g) => n * g.values.length, 1) : spec.kind === 'list' ? spec.list.length : spec.random!.n;
  if (count > spec.maxVariants) {
    throw new ConfigError(
      `the sweep has ${count.toLocaleString('en-US')} variants, more than sweep.max_variants (${spec.maxVariants})`,
      spec.file,
      spec.line,
      'sweep.max_variants',
      `set sweep.max_variants: ${count} if you mean to run them all, or sweep fewer values`,
    );
  }
  const variants = spec.kind === 'grid' ? gridVariants(spec) : spec.kind === 'list' ? listVariants(spec) : randomVariants(spec);
  const seen = new Map<string, SweepVariant>();
  for (const v of variants) {
    const first = seen.get(v.name);
    if (first) {
      throw new ConfigError(
        `two variants are named '${v.name}'${first.line && first.line !== v.line ? ` (the other on line ${first.line})` : ''}`,
        spec.file,
        v.line,
        spec.kind === 'list' ? 'sweep.list.name' : `sweep.${spec.kind}`,
        spec.kind === 'list' ? 'give each list variant its own name (or values that differ)' : 'remove the repeated value (values that differ only in characters a project name cannot hold count as one)',
      );
    }
    seen.set(v.name, v);
  }
  return variants;
}

function gridVariants(spec: SweepSpec): SweepVariant[] {
  const dims = [...spec.grid].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  for (const d of dims) {
    const names = d.values.map(formatValue);
    const dup = names.findIndex((n, i) => names.indexOf(n) !== i);
    if (dup >= 0) {
      throw new ConfigError(`the value ${JSON.stringify(d.values[dup])} appears twice (as '${names[dup]}' in a variant name)`, spec.file, d.line, `sweep.grid.${d.key}`, 'list each value once');
    }
  }
  let rows: Record<string, unknown>[] = [{}];
  for (const d of dims) rows = rows.flatMap((r) => d.values.map((v) => ({ ...r, [d.key]: v })));
  return rows.map((overrides) => ({ name: variantName(overrides), overrides, line: spec.line }));
}

function listVariants(spec: SweepSpec): SweepVariant[] {
  return spec.list.map((item) => ({ name: item.name ?? variantName(item.overrides), overrides: sortedKeys(item.overrides), line: item.line }));
}

/** Loaded on use: only a random sweep draws, and every config load (each step, each changed config in createNodes) would pay its require. */
const pureRand = (): typeof import('pure-rand') => require('pure-rand');

function randomVariants(spec: SweepSpec): SweepVariant[] {
  const r = spec.random!;
  const rng = pureRand().xoroshiro128plus(r.seed);
  const out: SweepVariant[] = [];
  const names = new Set<string>();
  for (let draws = 0; out.length < r.n; draws++) {
    if (draws >= r.n * DRAWS_PER_VARIANT) {
      throw new ConfigError(`the random space gave only ${out.length} distinct variants in ${draws} draws, fewer than n (${r.n})`, spec.file, r.line, 'sweep.random.n', `lower sweep.random.n to ${out.length} or widen the space`);
    }
    const overrides: Record<string, unknown> = {};
    for (const d of r.space) overrides[d.key] = draw(d, rng);
    const name = variantName(overrides);
    if (names.has(name)) continue; // the same point twice is the same training
    names.add(name);
    out.push({ name, overrides, line: r.line });
  }
  return out;
}

/** A uniform draw in [0, 1) with 30 bits. */
const unit = (rng: RandomGenerator) => pureRand().unsafeUniformIntDistribution(0, 2 ** 30 - 1, rng) / 2 ** 30;

/** Floats keep 4 significant digits: readable names, and a value a person can type back. */
const round4 = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, Number(x.toPrecision(4))));

function draw(d: RandomDimension, rng: RandomGenerator): unknown {
  if ('choice' in d) return d.choice[pureRand().unsafeUniformIntDistribution(0, d.choice.length - 1, rng)];
  if ('uniform' in d) {
    const [lo, hi] = d.uniform;
    return round4(lo + unit(rng) * (hi - lo), lo, hi);
  }
  const [lo, hi] = d.loguniform;
  return round4(Math.exp(Math.log(lo) + unit(rng) * (Math.log(hi) - Math.log(lo))), lo, hi);
}

function sortedKeys(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.keys(o).sort().map((k) => [k, o[k]]));
}
