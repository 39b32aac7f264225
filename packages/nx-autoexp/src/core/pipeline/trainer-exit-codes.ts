import { constants } from 'node:os';

/** Meanings of `python -m autoexp_trainer` exit codes (docs/architecture.md). */
export const TRAINER_EXIT: Record<number, string> = {
  1: 'unexpected error in the trainer',
  2: 'usage error (bad command-line arguments)',
  3: 'bad data (a missing file or column, an empty dialogue, a duplicate fname)',
  4: 'bad config (unknown architecture or a value of the wrong type)',
  5: 'bad checkpoint (no weights or unreadable)',
  6: 'CUDA out of memory even at batch size 1',
  7: 'a missing optional dependency or hardware (bitsandbytes, CUDA)',
  8: 'interrupted (SIGINT/SIGTERM/SIGUSR1) after saving a checkpoint; run train again to resume',
  9: 'not enough disk space for the run\'s checkpoints (see the numbers above)',
  127: 'the command was not found',
};

/** The trainer stopped on a signal after saving a checkpoint (autoexp_trainer/interrupt.py). */
export const INTERRUPTED_EXIT = 8;

/** A user command runs under /bin/sh, which reports a child killed by signal N as exit 128+N. */
function shellSignal(code: number): string | null {
  if (code <= 128 || code >= 160) return null;
  const name = Object.entries(constants.signals).find(([, n]) => n === code - 128)?.[0];
  return name ? `killed by ${name}${name === 'SIGKILL' ? ' (out of memory, or killed from outside)' : ''}` : null;
}

export const describeExit = (code: number | null, signal: string | null): string => {
  if (signal) return `killed by ${signal}`;
  const bySignal = code !== null ? shellSignal(code) : null;
  if (bySignal) return `${bySignal}, exit code ${code}`;
  return `exit code ${code}${code !== null && TRAINER_EXIT[code] ? `: ${TRAINER_EXIT[code]}` : ''}`;
};
