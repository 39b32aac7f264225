// What a user reads when experiment.yaml breaks the schema: the key path (numbers for list items,
// so the loader finds the YAML line) and one sentence a person can act on.
import { closest, describeSchemaErrors, experimentValidator, sectionValidator } from './schema';

function problems(config: Record<string, unknown>) {
  const validate = experimentValidator();
  expect(validate(structuredClone(config))).toBe(false);
  return describeSchemaErrors(validate.errors ?? []);
}
const model = { type: 'seq2seq' };

describe('describeSchemaErrors', () => {
  it('an unknown key: its path, the closest allowed key and the allowed keys', () => {
    const [p, ...rest] = problems({ model, train: { learning_rat: 0.1 } });
    expect(rest).toEqual([]);
    expect(p.path).toEqual(['train', 'learning_rat']);
    expect(p.message).toMatch(/^unknown key 'learning_rat'\. Did you mean 'learning_rate'\? Allowed here: command, output_dir, .*learning_rate, /);
    expect(problems({ model, train: { zzzzzzzzzz: 1 } })[0].message).toMatch(/^unknown key 'zzzzzzzzzz'\. Allowed here: command, /);
  });

  it('a value outside an enum lists the allowed values', () => {
    expect(problems({ model, checkpoint: { policy: 'bestest' } })).toEqual([{ path: ['checkpoint', 'policy'], message: 'must be one of: "best", "latest", "path"' }]);
  });

  it('a wrong type names the expected type, also under a key that ends in a digit', () => {
    expect(problems({ model, train: { bf16: 'yes' } })).toEqual([{ path: ['train', 'bf16'], message: 'wrong type: expected boolean' }]);
  });

  it('a missing required key is named with its full path', () => {
    expect(problems({ model: {} })).toEqual([{ path: ['model', 'type'], message: "missing required key 'type'" }]);
  });

  it('integer-or-"auto" keys give one line per key, not the branches of the oneOf', () => {
    for (const bad of ['many', 1.5]) {
      expect(problems({ model, train: { per_device_train_batch_size: bad } })).toEqual([{ path: ['train', 'per_device_train_batch_size'], message: 'must be a positive integer or "auto"' }]);
    }
    // The filter drops only the oneOf's own branch errors: a wrong type elsewhere stays.
    const both = problems({ model, train: { per_device_train_batch_size: 'many', bf16: 'yes' } });
    expect(both).toHaveLength(2);
    expect(both).toEqual(expect.arrayContaining([
      { path: ['train', 'bf16'], message: 'wrong type: expected boolean' },
      { path: ['train', 'per_device_train_batch_size'], message: 'must be a positive integer or "auto"' },
    ]));
  });

  it('a pattern mismatch quotes the value, the pattern and what the value must be; list items by number', () => {
    expect(problems({ ensemble: { members: ['exp-a', 'exp b'] } })).toEqual([
      { path: ['ensemble', 'members', 1], message: "'exp b' does not match ^[A-Za-z0-9_.:-]+$ (An experiment's Nx project (exp-a), or tag:<tag> for every project with that tag (tag:sweep:lr).)" },
    ]);
    expect(problems({ model, tags: ['ok', 'not ok'] })).toEqual([{ path: ['tags', 1], message: "'not ok' does not match ^[A-Za-z0-9_.:-]+$" }]);
  });
});

describe('closest (the "Did you mean" of config and sweep keys)', () => {
  it('suggests a key within 3 edits (insertions, deletions, substitutions), never one 4 away', () => {
    expect(closest('kitten', ['sitting'])).toBe('sitting'); // 2 substitutions + 1 insertion
    expect(closest('kitten', ['sittingx'])).toBeNull();
    expect(closest('ab', ['abcde'])).toBe('abcde');
    expect(closest('abcde', ['ab'])).toBe('ab');
    expect(closest('abcdef', ['ab'])).toBeNull();
    expect(closest('seed', [])).toBeNull();
  });

  it('the nearest of several, the first on a tie', () => {
    expect(closest('learning_rat', ['warmup_ratio', 'learning_rate', 'learning_rates'])).toBe('learning_rate');
    expect(closest('cat', ['bat', 'hat'])).toBe('bat');
    expect(closest('cat', ['cut', 'cat'])).toBe('cat');
  });
});

describe('sectionValidator', () => {
  it('validates and fills the defaults of one section', () => {
    const metric: Record<string, unknown> = {};
    expect(sectionValidator('metric')(metric)).toBe(true);
    expect(metric).toMatchObject({ aggregate: 'mean', references: 'mean', tokenizer: 'auto' });
    expect(sectionValidator('metric')({ aggregate: 'median' })).toBe(false);
  });

  it('a section the schema lacks is a programming error naming it', () => {
    expect(() => sectionValidator('nope')).toThrow("the experiment schema has no section 'nope'");
  });
});
