import { defaultStrategies, selectStrategy, StrategyConfigError, validateStrategies } from './strategy-config';

describe('defaultStrategies', () => {
  it('is fast with the base settings, then conservative with a quarter batch in fp32', () => {
    const base = { batch_size: 32, num_beams: 4, max_new_tokens: 80, dtype: 'bf16' as const, device: 'cuda' as const, timeout_s: 600 };
    expect(defaultStrategies(base)).toEqual([
      { name: 'fast', ...base },
      { name: 'conservative', ...base, batch_size: 8, dtype: 'fp32' },
    ]);
  });

  it('never drops the batch below 1 and uses the schema default batch when none is given', () => {
    expect(defaultStrategies({ batch_size: 3 })[1].batch_size).toBe(1);
    expect(defaultStrategies({})[1]).toEqual({ name: 'conservative', batch_size: 4, dtype: 'fp32' });
  });

  it('takes a whole infer section as base: command null means built-in, unrelated keys are dropped', () => {
    const section = { batch_size: 8, command: null, strategies: undefined, extra: 1 } as never;
    const [fast] = defaultStrategies(section);
    expect(fast).toEqual({ name: 'fast', batch_size: 8 });
  });
});

describe('validateStrategies', () => {
  it('accepts the default chain', () => {
    expect(() => validateStrategies(defaultStrategies({}))).not.toThrow();
  });

  it.each([
    [[], /empty/],
    [[{ name: 'a b' }], /strategies\[0\].*name must match/],
    [[{ name: 'a' }, { name: 'a' }], /strategies\[1\] \(a\): duplicate strategy name/],
    [[{ name: 'a', timeout_s: 0 }], /timeout_s must be a number of seconds > 0/],
    [[{ name: 'a', batch_size: 1.5 }], /batch_size must be an integer >= 1/],
    [[{ name: 'a', dtype: 'fp8' }], /dtype must be one of/],
    [[{ name: 'a', command: '  ' }], /command must be a non-empty string/],
  ])('rejects %j', (strategies, message) => {
    expect(() => validateStrategies(strategies as never)).toThrow(StrategyConfigError);
    expect(() => validateStrategies(strategies as never)).toThrow(message);
  });
});

describe('selectStrategy', () => {
  const chain = defaultStrategies({ batch_size: 8 });
  it('returns only the named strategy', () => {
    expect(selectStrategy(chain, 'conservative')).toEqual([chain[1]]);
  });
  it('names the strategies there are when the name is wrong', () => {
    expect(() => selectStrategy(chain, 'slow')).toThrow("no inference strategy named 'slow'\nfix: use one of: fast, conservative");
  });
});
