// The build's standalone validators must behave exactly as ajv's compile of the
// schema (same verdicts, same defaults filled in, same errors a user reads), and
// a process must use them only when they were made from this schema and ajv.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ValidateFunction } from 'ajv';
import { describeSchemaErrors } from './schema';
import { PRECOMPILED_SECTIONS, readGeneratedValidators, schemaValidators, validatorModuleCode, validatorsKey } from './schema-validators';

type Loaded = Record<string, ValidateFunction | string>;

/** Evaluates generated code as a module (its `require`s resolve from this package, as the real file's do). */
function loadCode(code: string): Loaded {
  const mod = { exports: {} as Loaded };
  new Function('exports', 'require', 'module', code)(mod.exports, createRequire(__filename), mod);
  return mod.exports;
}

function compiled(section: string | null): ValidateFunction {
  const Ajv = require('ajv').default;
  const schema = require('../../../schema/experiment.schema.json');
  return new Ajv({ allErrors: true, useDefaults: true, strict: false, verbose: true }).compile(section ? schema.properties[section] : schema);
}

function outcome(validate: ValidateFunction, input: unknown) {
  const data = structuredClone(input);
  const ok = validate(data);
  return { ok, data, problems: describeSchemaErrors(validate.errors ?? []) };
}

const model = { type: 'seq2seq' };
const EXPERIMENTS: unknown[] = [
  { model }, // defaults filled in everywhere
  { model, train: { learning_rate: 3e-5, per_device_train_batch_size: 'auto' }, infer: { num_beams: 4 } },
  { model, train: { learning_rat: 0.1 } }, // unknown key: closest + allowed keys come from parentSchema (verbose)
  { model, checkpoint: { policy: 'bestest' } },
  { model, train: { bf16: 'yes', per_device_train_batch_size: 'many' } },
  { model: {} },
  { model, tags: ['ok', 3] },
  'not an object',
];

const generated = loadCode(validatorModuleCode());

describe('precompiled schema validators', () => {
  it.each(EXPERIMENTS.map((e, i) => [i, e]))('experiment case %i: same verdict, defaults and errors as the compiled schema', (_i, input) => {
    const want = outcome(compiled(null), input);
    expect(outcome(generated.experiment as ValidateFunction, input)).toEqual(want);
  });

  it('the cases cover both verdicts and fill defaults', () => {
    const results = EXPERIMENTS.map((e) => outcome(generated.experiment as ValidateFunction, e));
    expect(results.filter((r) => r.ok)).toHaveLength(2);
    expect(results.filter((r) => !r.ok).every((r) => r.problems.length > 0)).toBe(true);
    expect(Object.keys(results[0].data as object).length).toBeGreaterThan(1); // more than `model`: defaults were added
  });

  it.each(PRECOMPILED_SECTIONS.map((s) => [s]))('section %s: same verdicts as the compiled section', (section) => {
    for (const input of [{}, { nonsense_key: 1 }, { grid: 'x' }, { rules: 3 }]) {
      expect(outcome(generated[`section_${section}`] as ValidateFunction, input)).toEqual(outcome(compiled(section), input));
    }
  });

  it('the code records the key of what it was made from, and the key follows the schema text', () => {
    expect(generated.__key).toBe(validatorsKey());
    expect(validatorsKey('{"type":"object"}')).not.toBe(validatorsKey());
  });
});

describe('which validators a process uses', () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'autoexp-validators-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  /** A generated-looking module whose validators answer 'marker' (never a real verdict). */
  const write = (name: string, key: string) => {
    const path = join(dir, name);
    writeFileSync(path, `const m = () => 'marker'; exports.experiment = m; exports.section_sweep = m; exports.__key = ${JSON.stringify(key)};`);
    return path;
  };

  it('the generated code when its key matches; compiled sections where it has none', () => {
    const pre = readGeneratedValidators(write('current.js', validatorsKey()));
    expect(pre).not.toBeNull();
    const get = schemaValidators(pre);
    expect(get(null)({})).toBe('marker');
    expect(get('sweep')({})).toBe('marker');
    expect(get('metric')({ aggregate: 'median' })).toBe(false);
    expect(get(null)).toBe(get(null)); // made once
  });

  it('no generated code when it was made from another schema or ajv, or is missing or broken', () => {
    expect(readGeneratedValidators(write('stale.js', 'made-from-something-else'))).toBeNull();
    expect(readGeneratedValidators(join(dir, 'missing.js'))).toBeNull();
    writeFileSync(join(dir, 'broken.js'), 'this is not javascript (');
    expect(readGeneratedValidators(join(dir, 'broken.js'))).toBeNull();
  });

  it('without generated code everything compiles, and an unknown section is named', () => {
    const get = schemaValidators(null);
    expect(get(null)({ model })).toBe(true);
    expect(get(null)({ model: {} })).toBe(false);
    expect(() => get('nope')).toThrow("the experiment schema has no section 'nope'");
  });
});
