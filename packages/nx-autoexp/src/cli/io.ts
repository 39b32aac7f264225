import { AutoexpError, EXIT_FAILED } from '../core/errors/autoexp-error';

/** What a CLI command may touch; tests pass their own to capture output. */
export interface CliIO {
  cwd: string;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

export const processIO = (): CliIO => ({
  cwd: process.cwd(),
  stdout: (t) => process.stdout.write(t.endsWith('\n') ? t : t + '\n'),
  stderr: (t) => process.stderr.write(t.endsWith('\n') ? t : t + '\n'),
});

/** A command: parses its own argv, returns the process exit code. */
export type CliCommand = (argv: string[], io: CliIO) => Promise<number>;

/** Thrown for a user mistake in the command line or its files: printed without a stack trace, exit code as given. */
export class UserError extends AutoexpError {
  constructor(message: string, exitCode = EXIT_FAILED) {
    super(message, { exitCode });
  }
}
