import { execFileSync } from 'node:child_process';

export interface GitInfo {
  commit: string;
  dirty: boolean;
}

// execFileSync rather than runProcess: two tiny read-only commands, and not
// loading execa saves ~60 ms per `autoexp submit` (many run in parallel).
function git(cwd: string, args: string[]): string | null {
  try {
    return execFileSync('git', args, {
      cwd,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 15_000,
      // Read-only: never take .git/index.lock away from a user's concurrent git command.
      env: { ...process.env, GIT_OPTIONAL_LOCKS: '0' },
    });
  } catch {
    return null; // no git, not a repo, or no commit yet
  }
}

/** Commit and dirty flag of the repo holding `cwd`; null without git or outside a repo. */
export function gitInfo(cwd: string): GitInfo | null {
  const head = git(cwd, ['rev-parse', 'HEAD'])?.trim();
  if (!head) return null;
  const status = git(cwd, ['status', '--porcelain']);
  // A status that fails to run counts as dirty: the commit alone may not reproduce the run.
  return { commit: head, dirty: status === null ? true : status.trim() !== '' };
}
