/**
 * slurm.requeue: a train job cut short by its time limit or a preemption is
 * submitted again and continues from its newest checkpoint, at most
 * slurm.max_requeue times. Done here, by a new sbatch per attempt, rather
 * than by `scontrol requeue`: each attempt gets its own job id, output files
 * and state, the orchestrator keeps following it, and the resume point is
 * chosen afresh (core/pipeline/resume-plan.ts) before each one.
 */
import type { SlurmConfig } from '../config/types';
import type { ProcessRunner, RunProcessResult } from '../process/run-process';

/** Ends that mean "ran out of time or lost its node", not "the training is broken". */
export const REQUEUE_STATES = new Set(['TIMEOUT', 'PREEMPTED', 'NODE_FAIL']);

export interface RequeueOptions {
  log: (line: string) => void;
  /** Exit code of a trainer that stopped on the time-limit signal after saving. */
  interruptedExit: number;
  /** Before each new attempt (rewrites the resume point); false = nothing to resume from, stop. */
  prepareRetry: () => boolean;
}

export function shouldRequeue(res: RunProcessResult & { state?: string | null }, interruptedExit: number): boolean {
  if (res.aborted || res.timedOut) return false;
  return (res.state != null && REQUEUE_STATES.has(res.state)) || res.exitCode === interruptedExit;
}

export function requeueing(runner: ProcessRunner, cfg: Pick<SlurmConfig, 'requeue' | 'max_requeue'>, o: RequeueOptions): ProcessRunner {
  if (!cfg.requeue) return runner;
  return async (command, args, options) => {
    for (let attempt = 0; ; attempt++) {
      const res = (await runner(command, args, options)) as RunProcessResult & { state?: string | null; jobId?: string | null };
      if (!shouldRequeue(res, o.interruptedExit)) return res;
      const why = res.state && res.state !== 'FAILED' ? res.state : 'stopped after saving on the time-limit signal';
      if (attempt >= cfg.max_requeue) {
        o.log(`slurm: job ${res.jobId ?? '?'} ended ${why}; not requeued: slurm.max_requeue (${cfg.max_requeue}) reached`);
        return res;
      }
      if (!o.prepareRetry()) {
        o.log(`slurm: job ${res.jobId ?? '?'} ended ${why}; not requeued: the run has no valid checkpoint to resume from`);
        return res;
      }
      o.log(`slurm: job ${res.jobId ?? '?'} ended ${why}; requeue ${attempt + 1} of ${cfg.max_requeue}: submitting again, resuming from the newest checkpoint`);
    }
  };
}
