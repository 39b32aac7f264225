/** Meanings of `python -m autoexp_trainer` exit codes (docs/architecture.md). */
export const TRAINER_EXIT: Record<number, string> = {
  1: 'unexpected error in the trainer',
  2: 'usage error (bad command-line arguments)',
  3: 'bad data (a missing file or column, an empty dialogue, a duplicate fname)',
  4: 'bad config (unknown architecture or a value of the wrong type)',
  5: 'bad checkpoint (no weights or unreadable)',
  6: 'CUDA out of memory even at batch size 1',
  7: 'a missing optional dependency or hardware (bitsandbytes, CUDA)',
  127: 'the command was not found',
};

export const describeExit = (code: number | null, signal: string | null): string =>
  signal ? `killed by ${signal}` : `exit code ${code}${code !== null && TRAINER_EXIT[code] ? `: ${TRAINER_EXIT[code]}` : ''}`;
