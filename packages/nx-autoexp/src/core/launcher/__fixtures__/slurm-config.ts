import type { SlurmConfig } from '../../config/types';

/** A complete slurm section for tests: nothing set, no signal, no requeue; `over` sets what a test is about. */
export const slurmConfig = (over: Partial<SlurmConfig> = {}): SlurmConfig => ({
  partition: null, gpus: null, cpus: null, mem: null, time: null, account: null, qos: null, extra_args: [], setup: [],
  poll_interval_s: 5, signal_s: null, requeue: false, max_requeue: 3, ...over,
});
