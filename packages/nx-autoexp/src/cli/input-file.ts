import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { SubmissionError } from '../core/submission';
import { CliIO, UserError } from './io';

/** Reads a --test / --train file for the degenerate checks; a missing or unusable one is a usage error. */
export function inputFile<T>(path: string | undefined, flag: string, io: CliIO, read: (p: string) => T | undefined): T | undefined {
  if (path === undefined) return undefined;
  const abs = resolve(io.cwd, path);
  if (!existsSync(abs)) throw new UserError(`${flag} ${path}: file not found.`, 2);
  let value: T | undefined;
  try {
    value = read(abs);
  } catch (err) {
    if (err instanceof SubmissionError) throw new UserError(`${flag} ${path}: ${err.message}`, 2);
    throw err;
  }
  if (value === undefined) throw new UserError(`${flag} ${path}: needs the columns ${flag === '--test' ? 'fname,dialogue' : 'summary'}.`, 2);
  return value;
}
