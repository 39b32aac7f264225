import { inferDeviceCount } from './local-devices';

describe('inferDeviceCount', () => {
  it('takes no device when every strategy runs on the CPU', () => {
    expect(inferDeviceCount(1, [{ device: 'cpu' }, { device: 'cpu' }])).toBe(0);
    expect(inferDeviceCount(2, [{ device: 'cpu' }])).toBe(0);
  });
  it('takes infer.gpus when any strategy may use a GPU', () => {
    expect(inferDeviceCount(1, [{ device: 'cpu' }, { device: 'auto' }])).toBe(1);
    expect(inferDeviceCount(2, [{ device: 'cuda' }])).toBe(2);
    expect(inferDeviceCount(1, [{}])).toBe(1);
    expect(inferDeviceCount(undefined, [])).toBeUndefined();
  });
});
