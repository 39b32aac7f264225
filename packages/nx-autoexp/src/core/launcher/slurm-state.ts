/**
 * Reading slurm's job states (squeue, sacct, scontrol output) and turning a
 * final state into the exit code and message the pipeline reports.
 */

/** States in which the job still holds (or waits for) resources. */
const ACTIVE = new Set([
  'PENDING', 'CONFIGURING', 'RUNNING', 'COMPLETING', 'SUSPENDED', 'REQUEUED', 'REQUEUE_FED', 'REQUEUE_HOLD',
  'RESIZING', 'SIGNALING', 'STAGE_OUT', 'STOPPED', 'RESV_DEL_HOLD', 'SPECIAL_EXIT',
]);

/** `CANCELLED by 0` (sacct) and `CANCELLED+` (truncated) both mean CANCELLED. */
export function normalizeState(raw: string): string {
  return raw.trim().split(/\s+/)[0].replace(/\+$/, '').toUpperCase();
}

export const isActiveState = (state: string): boolean => ACTIVE.has(normalizeState(state));

/** The first state squeue printed for the job, or null when the job has left the queue. */
export function parseSqueue(stdout: string): string | null {
  const line = stdout.split('\n').map((l) => l.trim()).find((l) => l.length > 0);
  return line ? normalizeState(line) : null;
}

export interface FinalState {
  state: string;
  /** Exit status of the batch script and the signal that ended it (slurm's `X:Y`). */
  exitCode: number;
  exitSignal: number;
}

/** `sacct -n -P -X -j ID -o State,ExitCode` -> `COMPLETED|0:0`. Null if it has no usable line. */
export function parseSacct(stdout: string): FinalState | null {
  for (const line of stdout.split('\n')) {
    const m = /^([^|]+)\|(\d+):(\d+)\s*$/.exec(line.trim());
    if (m) return { state: normalizeState(m[1]), exitCode: Number(m[2]), exitSignal: Number(m[3]) };
  }
  return null;
}

/** `scontrol show job ID` -> JobState=... ExitCode=X:Y. Null when the job is unknown. */
export function parseScontrol(stdout: string): FinalState | null {
  const state = /\bJobState=(\S+)/.exec(stdout);
  const code = /\bExitCode=(\d+):(\d+)/.exec(stdout);
  if (!state) return null;
  return { state: normalizeState(state[1]), exitCode: code ? Number(code[1]) : 0, exitSignal: code ? Number(code[2]) : 0 };
}

export interface MappedOutcome {
  /** 0 only for COMPLETED with exit status 0. */
  exitCode: number;
  /** The line to put in the result's tail, e.g. `slurm job 12 ended TIMEOUT (exit code 0:15)`; null on success. */
  message: string | null;
}

export const describeJobEnd = (jobId: string, f: FinalState): string =>
  `slurm job ${jobId} ended ${f.state} (exit code ${f.exitCode}:${f.exitSignal})`;

/** What each unsuccessful state means, for the message. */
const HINT: Record<string, string> = {
  FAILED: 'the command exited non-zero; its output is above',
  TIMEOUT: 'it ran past its time limit: raise slurm.time',
  OUT_OF_MEMORY: 'it ran out of memory: raise slurm.mem or lower the batch size',
  CANCELLED: 'it was cancelled (scancel, an admin, or a dependency)',
  NODE_FAIL: 'its node failed: run it again',
  PREEMPTED: 'a higher-priority job preempted it: run it again or use another qos/partition',
  BOOT_FAIL: 'its node failed to boot: run it again',
  DEADLINE: 'it missed its deadline',
};

/**
 * COMPLETED -> 0. FAILED -> the script's exit status. Every other end state
 * is non-zero: the exit status if there is one, else 128 + signal (like a
 * shell), else 1, so a caller that only checks `exitCode !== 0` is right.
 */
export function mapFinalState(jobId: string, f: FinalState): MappedOutcome {
  if (f.state === 'COMPLETED' && f.exitCode === 0) return { exitCode: 0, message: null };
  const exitCode = f.exitCode !== 0 ? f.exitCode : f.exitSignal !== 0 ? 128 + f.exitSignal : 1;
  const hint = HINT[f.state];
  return { exitCode, message: describeJobEnd(jobId, f) + (hint ? `: ${hint}` : '') };
}
