/** Exit codes of the autoexp CLI (docs/faults.md): a failed command, a usage mistake. */
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

export interface AutoexpErrorOptions {
  /** The exit code a command ends with on this error (default 1). */
  exitCode?: number;
  /** true (default): the user can fix it, printed as-is without a stack; false: a bug, printed with its stack. */
  userError?: boolean;
}

/**
 * The base of every autoexp error, as the trainer's TrainerError
 * (packages/trainer/autoexp_trainer/errors.py): a message for the user, the
 * exit code, and whether the user or the code is at fault. Whether an error
 * is shown plainly is decided by `userError`, never by the class name; errors
 * of other origins (Node, libraries) count as bugs unless describeFsError
 * knows them.
 */
export class AutoexpError extends Error {
  readonly exitCode: number;
  readonly userError: boolean;

  constructor(message: string, opts: AutoexpErrorOptions = {}) {
    super(message);
    this.name = new.target.name;
    this.exitCode = opts.exitCode ?? EXIT_FAILED;
    this.userError = opts.userError ?? true;
  }

  /** What the user reads (the message, unless a subclass frames it). */
  userMessage(): string {
    return this.message;
  }
}

/** An error the user can fix: print `userMessage()`, exit with `exitCode`. */
export const isUserError = (err: unknown): err is AutoexpError => err instanceof AutoexpError && err.userError;
