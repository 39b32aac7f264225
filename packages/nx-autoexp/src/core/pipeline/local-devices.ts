import type { ResolvedExperiment } from '../config/types';
import { acquireDevices, noLease, resolveDevicePool } from '../launcher';
import type { DeviceLease } from '../launcher';
import type { StepContext } from './train-step';

/**
 * The devices a local train or infer step runs on (`devices`, `train.gpus` /
 * `infer.gpus`); a lease that holds nothing for `launcher: slurm`.
 */
export async function localDevices(ctx: StepContext, exp: ResolvedExperiment, step: 'train' | 'infer', count = step === 'train' ? exp.config.train.gpus : exp.config.infer.gpus): Promise<DeviceLease> {
  if (exp.config.launcher !== 'local') return noLease({});
  // A CPU-only infer takes no slot and sees no GPU, whatever the pool: no need
  // to ask nvidia-smi (tens of ms on a GPU machine, for every such infer).
  if (step === 'infer' && count === 0) return noLease({ CUDA_VISIBLE_DEVICES: '' });
  const env = ctx.env ?? process.env;
  const pool = resolveDevicePool(exp.config.devices, env);
  const lease = await acquireDevices({ workspaceRoot: ctx.workspaceRoot, pool, count: count ?? 1, step, configFile: exp.file, label: exp.project, log: ctx.log, signal: ctx.signal });
  if (lease.ids.length > 0) {
    ctx.log(`${step}: on ${pool.fake ? 'pseudo-device' : 'GPU'}${lease.ids.length > 1 ? 's' : ''} ${lease.ids.join(', ')} (CUDA_VISIBLE_DEVICES=${lease.env.CUDA_VISIBLE_DEVICES}; pool ${pool.source}${pool.fake ? ', trainer on CPU' : ''})`);
  }
  return lease;
}

/**
 * Devices an infer takes: none when every strategy it may run says `device:
 * cpu` (a GPU slot held by a CPU inference would only keep a training
 * waiting), else `infer.gpus`.
 */
export function inferDeviceCount(gpus: number | undefined, strategies: { device?: string }[]): number | undefined {
  return strategies.length > 0 && strategies.every((s) => s.device === 'cpu') ? 0 : gpus;
}
