/**
 * A local train or infer task takes the devices it needs from the pool,
 * waiting while they are busy, and runs with CUDA_VISIBLE_DEVICES set to them.
 * Without any device, local trainings take the one "local training" slot
 * instead, so they still run one at a time (they would fight over the CPU).
 */
import { PipelineError } from '../pipeline/pipeline-error';
import type { ProcessRunner } from '../process/run-process';
import type { DevicePool } from './device-pool';
import { addHolderProcess, deviceLockDir, liveHolder, releaseSlot, slotFile, tryAcquireSlot } from './device-lock';

export const LOCAL_TRAINING_SLOT = 'local-training';

export interface DeviceRequest {
  workspaceRoot: string;
  pool: DevicePool;
  /** train.gpus / infer.gpus. */
  count: number;
  step: 'train' | 'infer';
  /** The config file that sets the count, for the error message. */
  configFile: string;
  /** Who asks, shown to waiting tasks: exp-<name>. */
  label: string;
  log: (line: string) => void;
  signal?: AbortSignal;
  pollMs?: number;
}

export interface DeviceLease {
  /** The device ids given (empty: no device). */
  ids: string[];
  /** Set on the child: CUDA_VISIBLE_DEVICES (the trainer records it as the run's `devices`). */
  env: Record<string, string>;
  /** The trainer's pid: its slots stay busy while it lives, even if this task is killed. */
  addProcess(pid: number | undefined): void;
  release(): void;
}

/** A lease of no device (nothing to release); `env` is what the child still gets. */
export const noLease = (env: Record<string, string> = {}): DeviceLease => ({ ids: [], env, addProcess: () => undefined, release: () => undefined });

const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;

/** The slot names for the request: device ids, or the local training slot; null: no slot at all. */
function slotsOf(req: DeviceRequest): string[] | null {
  const { pool, count, step } = req;
  const have = pool.ids.length;
  const tooMany = have > 0 ? count > have : count > 1;
  if (tooMany) {
    throw new PipelineError(
      `${step}.gpus is ${count} but the device pool has ${plural(have, 'device')} (${pool.source})`,
      `set ${step}.gpus to at most ${Math.max(have, 1)} in ${req.configFile}, or give the pool more devices (devices: in config/base.yaml${pool.fake ? ', or a larger AUTOEXP_FAKE_DEVICES' : ''})`,
    );
  }
  if (have === 0) return step === 'train' ? [LOCAL_TRAINING_SLOT] : null;
  if (count === 0) return null;
  return pool.ids.map((id) => `${pool.fake ? 'fake' : 'gpu'}-${id}`);
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((done) => {
    const t = setTimeout(finish, ms);
    signal?.addEventListener('abort', finish, { once: true });
    function finish() {
      clearTimeout(t);
      signal?.removeEventListener('abort', finish);
      done();
    }
  });
}

/**
 * Takes `count` devices at once or none (taking some and waiting for the
 * rest could deadlock two multi-GPU tasks), polling every `pollMs` while too
 * few are free. Fails at once when the pool can never satisfy the request.
 */
export async function acquireDevices(req: DeviceRequest): Promise<DeviceLease> {
  const slots = slotsOf(req);
  if (slots === null) return noLease(req.pool.ids.length > 0 ? { CUDA_VISIBLE_DEVICES: '' } : {});
  const dir = deviceLockDir(req.workspaceRoot);
  const cpuSlot = slots[0] === LOCAL_TRAINING_SLOT;
  const need = cpuSlot ? 1 : req.count;
  let lastWait = '';
  for (;;) {
    const taken: { slot: string; file: string; token: string }[] = [];
    for (const slot of slots) {
      if (taken.length === need) break;
      const file = slotFile(dir, slot);
      const h = tryAcquireSlot(file, req.label);
      if (h) taken.push({ slot, file, token: h.token });
    }
    if (taken.length === need) {
      const ids = cpuSlot ? [] : taken.map((t) => t.slot.replace(/^(fake|gpu)-/, ''));
      return {
        ids,
        env: cpuSlot ? {} : { CUDA_VISIBLE_DEVICES: ids.join(',') },
        addProcess: (pid) => {
          if (pid) for (const t of taken) addHolderProcess(t.file, t.token, pid);
        },
        release: () => {
          for (const t of taken) releaseSlot(t.file, t.token);
        },
      };
    }
    for (const t of taken) releaseSlot(t.file, t.token);
    if (req.signal?.aborted) throw new PipelineError(`${req.step} was interrupted while waiting for a device; nothing ran`);
    const busy = slots.map((s) => liveHolder(slotFile(dir, s))).filter((h) => h !== null);
    const names = [...new Set(busy.map((h) => h.label))].join(', ');
    const line = cpuSlot
      ? `waiting for the local training slot (1 of 1 busy: ${names}): without GPUs, one local training runs at a time`
      : `waiting for ${need === 1 ? 'a GPU' : `${need} GPUs`} (${busy.length} of ${slots.length} busy: ${names})`;
    // Only on a change: a wait of hours must not fill the log. A slot freed meanwhile is simply retried.
    if (line !== lastWait && busy.length > 0) req.log(line);
    lastWait = line;
    await sleep(req.pollMs ?? 500, req.signal);
  }
}

/** A runner whose children join the lease's holders (see DeviceLease.addProcess). */
export function leaseRunner(runner: ProcessRunner, lease: DeviceLease): ProcessRunner {
  return (command, args, options = {}) =>
    runner(command, args, {
      ...options,
      onSpawn: (pid) => {
        lease.addProcess(pid);
        options.onSpawn?.(pid);
      },
    });
}
