import { diffConfigs, flatConfigText } from './config-diff';

describe('flatConfigText / diffConfigs', () => {
  const a = flatConfigText({ model: { type: 'seq2seq', lora: null, config_overrides: {} }, train: { learning_rate: 0.001, targets: ['q', 'v'] } });
  const b = flatConfigText({ model: { type: 'seq2seq', lora: { r: 8 }, config_overrides: {} }, train: { learning_rate: 0.0005, targets: ['q', 'v'], seed: 1 } });

  it('flattens to dotted keys with JSON values', () => {
    expect(a).toEqual({
      'model.config_overrides': '{}',
      'model.lora': 'null',
      'model.type': '"seq2seq"',
      'train.learning_rate': '0.001',
      'train.targets': '["q","v"]',
    });
  });

  it('lists only differing keys, sorted, with null for an unset side', () => {
    expect(diffConfigs(a, b)).toEqual([
      { key: 'model.lora', a: 'null', b: null },
      { key: 'model.lora.r', a: null, b: '8' },
      { key: 'train.learning_rate', a: '0.001', b: '0.0005' },
      { key: 'train.seed', a: null, b: '1' },
    ]);
    expect(diffConfigs(a, a)).toEqual([]);
  });

  it('treats keys that name Object.prototype members as plain keys', () => {
    const odd = flatConfigText({ constructor: 1, ['__proto__']: { x: 2 } });
    expect(odd).toEqual({ constructor: '1', '__proto__.x': '2' });
    expect(diffConfigs(odd, {})).toEqual([
      { key: '__proto__.x', a: '2', b: null },
      { key: 'constructor', a: '1', b: null },
    ]);
  });

  it('runs on its own, as the page inlines its source', () => {
    const standalone = new Function(`return (${diffConfigs.toString()});`)() as typeof diffConfigs;
    expect(standalone(a, b)).toEqual(diffConfigs(a, b));
  });
});
