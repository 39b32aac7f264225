import { decide, inCi } from './required-component';

describe('required components', () => {
  const missing = { ok: false as const, reason: 'slurmctld did not start' };

  it('runs when the component is available, in and out of CI', () => {
    expect(decide({ ok: true }, { CI: 'true' })).toBe('run');
    expect(decide({ ok: true }, {})).toBe('run');
  });

  it('skips a missing component outside CI and fails it under CI', () => {
    expect(decide(missing, {})).toBe('skip');
    expect(decide(missing, { CI: 'false' })).toBe('skip');
    expect(decide(missing, { CI: 'true' })).toBe('fail');
    expect(decide(missing, { CI: '1' })).toBe('fail');
  });

  it('reads CI the way CI systems set it', () => {
    expect(inCi({ CI: 'TRUE' })).toBe(true);
    expect(inCi({ CI: '' })).toBe(false);
    expect(inCi({})).toBe(false);
  });
});
