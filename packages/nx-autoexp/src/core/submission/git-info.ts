import { execFileSync } from 'node:child_process';

export interface GitInfo {
  commit: string;
  dirty: boolean;
}

/**
 * Commit and dirty flag of the repo holding `cwd`; null without git, outside
 * a repo, or before its first commit. One `git status --porcelain=v2
 * --branch` gives both (its `# branch.oid` header is HEAD): a git start is
 * ~20 ms, and a submit runs this each time. execFileSync, not runProcess: a
 * tiny read-only command does not need execa loaded.
 */
export function gitInfo(cwd: string): GitInfo | null {
  let out: string;
  try {
    out = execFileSync('git', ['status', '--porcelain=v2', '--branch'], {
      cwd,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 15_000,
      // Read-only: never take .git/index.lock away from a user's concurrent git command.
      env: { ...process.env, GIT_OPTIONAL_LOCKS: '0' },
    });
  } catch {
    return null; // no git, or not a repo
  }
  const lines = out.split('\n');
  const commit = lines.find((l) => l.startsWith('# branch.oid '))?.slice('# branch.oid '.length).trim();
  if (!commit || !/^[0-9a-f]{40,64}$/.test(commit)) return null; // `(initial)`: no commit yet
  return { commit, dirty: lines.some((l) => l !== '' && !l.startsWith('#')) };
}
