import type { ResolvedExperiment } from '../config/types';
import { inferDeviceCount, localDevices } from './local-devices';
import type { StepContext } from './train-step';

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

describe('localDevices', () => {
  const exp = { file: 'experiments/x/experiment.yaml', project: 'exp-x', config: { launcher: 'local', train: {}, infer: {} } } as unknown as ResolvedExperiment;
  // An AUTOEXP_FAKE_DEVICES that fails when the pool is read: shows whether it was.
  const ctx = (): StepContext => ({ workspaceRoot: '/nonexistent', experiment: 'x', log: () => undefined, env: { AUTOEXP_FAKE_DEVICES: 'two' } });

  it('a CPU-only infer does not read the pool (no nvidia-smi) and hides every GPU', async () => {
    const lease = await localDevices(ctx(), exp, 'infer', 0);
    expect(lease.ids).toEqual([]);
    expect(lease.env).toEqual({ CUDA_VISIBLE_DEVICES: '' });
  });
  it('an infer that may use a GPU reads the pool', async () => {
    await expect(localDevices(ctx(), exp, 'infer', 1)).rejects.toThrow(/AUTOEXP_FAKE_DEVICES must be a whole number/);
  });
});
