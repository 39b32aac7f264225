/**
 * Which devices the local launcher may hand out: the `devices` setting read
 * against this machine (or AUTOEXP_FAKE_DEVICES). Read when a task runs,
 * never when Nx builds the graph, so no cache key depends on the machine.
 */
import { spawnSync } from 'node:child_process';
import type { ExperimentConfig } from '../config/types';
import { PipelineError } from '../pipeline/pipeline-error';

export interface DevicePool {
  /** Device ids as CUDA_VISIBLE_DEVICES takes them ("0", "1", or GPU/MIG UUIDs); empty: no GPU. */
  ids: string[];
  /** Pseudo-devices from AUTOEXP_FAKE_DEVICES: locks and CUDA_VISIBLE_DEVICES as for GPUs, the trainer on CPU. */
  fake: boolean;
  /** Where the ids came from, for messages: "AUTOEXP_FAKE_DEVICES=2", "nvidia-smi", "devices: [0, 1]". */
  source: string;
}

/** GPU indices nvidia-smi lists; none when it is missing or fails (a machine without a GPU driver). */
export function nvidiaSmiDevices(): string[] {
  const r = spawnSync('nvidia-smi', ['--query-gpu=index', '--format=csv,noheader'], { encoding: 'utf8', timeout: 10_000 });
  if (r.status !== 0 || !r.stdout) return [];
  return r.stdout.split('\n').map((l) => l.trim()).filter((l) => /^\d+$/.test(l));
}

/** CUDA_VISIBLE_DEVICES as a list; "" and "-1" (the usual ways to hide every GPU) are none. */
export function visibleDevices(value: string): string[] {
  const ids = value.split(',').map((s) => s.trim()).filter(Boolean);
  return ids.length === 1 && ids[0] === '-1' ? [] : ids;
}

export function resolveDevicePool(setting: ExperimentConfig['devices'] | undefined, env: NodeJS.ProcessEnv = process.env, detect: () => string[] = nvidiaSmiDevices): DevicePool {
  const fake = env.AUTOEXP_FAKE_DEVICES;
  if (fake !== undefined && fake !== '') {
    const n = Number(fake);
    if (!Number.isInteger(n) || n < 0) {
      throw new PipelineError(`AUTOEXP_FAKE_DEVICES must be a whole number of pseudo-devices, got '${fake}'`, 'set it to e.g. 2, or unset it to use the real devices');
    }
    return { ids: Array.from({ length: n }, (_, i) => String(i)), fake: true, source: `AUTOEXP_FAKE_DEVICES=${n}` };
  }
  if (setting === 'none') return { ids: [], fake: false, source: 'devices: none' };
  if (Array.isArray(setting)) return { ids: setting.map(String), fake: false, source: `devices: [${setting.join(', ')}]` };
  const cvd = env.CUDA_VISIBLE_DEVICES;
  if (cvd !== undefined) return { ids: visibleDevices(cvd), fake: false, source: `CUDA_VISIBLE_DEVICES=${cvd}` };
  return { ids: detect(), fake: false, source: 'nvidia-smi' };
}
