/**
 * One training on several devices: the built-in trainer under torchrun
 * (`python -m torch.distributed.run`, shipped with torch), one process per
 * device. `--standalone` gives each run its own rendezvous on a free port,
 * so several multi-GPU trainings can run side by side on one machine.
 */
export function torchrunArgs(nproc: number, trainerArgs: string[]): string[] {
  return ['-m', 'torch.distributed.run', '--standalone', `--nproc_per_node=${nproc}`, ...trainerArgs];
}

/**
 * torchrun exits 1 whatever its workers exited with; its error summary names
 * the first failed worker's code ("Root Cause ... exitcode : 3"), which keeps
 * the trainer's meaning (3 bad data, 4 bad config, ...). null when absent.
 */
export function torchrunWorkerExit(tail: string[]): number | null {
  const text = tail.join('\n');
  const root = text.lastIndexOf('Root Cause');
  const m = /exitcode\s*:\s*(-?\d+)/.exec(root >= 0 ? text.slice(root) : text);
  return m ? Number(m[1]) : null;
}
