import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { indexPath } from '../submission/experiment-index';
import { collectReport } from './collect-report';
import { sha256 } from '../config/hash';
import { relativePosix } from '../fs/relative-posix';

function stampOf(path: string): string {
  try {
    return sha256(readFileSync(path));
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : `unreadable (${(err as NodeJS.ErrnoException).code ?? 'error'})`;
  }
}

/**
 * One line per file the report would read (`<path> <sha256|missing>`), for an
 * Nx runtime input: prediction/, runs/ and outputs/ are git-ignored, and Nx
 * hashes no ignored file, so plain file inputs would never see them change.
 * Walks the same code as the report with a no-op scorer (no Python).
 */
export async function reportInputStamp(opts: { workspaceRoot: string; includeSmoke?: boolean }): Promise<string> {
  const root = resolve(opts.workspaceRoot);
  const files = new Set<string>([indexPath(root)]);
  let problem = '';
  try {
    await collectReport({ workspaceRoot: root, includeSmoke: opts.includeSmoke, scoreItems: async () => [], onInput: (p) => files.add(p) });
  } catch (err) {
    // A damaged index: the stamp still changes with the index, and the report target says what is wrong.
    problem = `error ${(err as Error).message.split('\n')[0]}\n`;
  }
  const lines = [...files].sort().map((f) => `${relativePosix(root, f)} ${stampOf(f)}`);
  return problem + lines.join('\n');
}
