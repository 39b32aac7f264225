import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gitInfo } from './git-info';

const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();

/** A repo in `dir` whose a.txt is committed with `text`; returns the commit. */
function commitA(dir: string, text: string): string {
  git(dir, 'init', '-q');
  writeFileSync(join(dir, 'a.txt'), text);
  git(dir, 'add', 'a.txt');
  git(dir, 'commit', '-q', '-m', text);
  return git(dir, 'rev-parse', 'HEAD');
}

describe('gitInfo', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'git-info-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('is null outside a repository and before the first commit', () => {
    expect(gitInfo(dir)).toBeNull();
    git(dir, 'init', '-q');
    writeFileSync(join(dir, 'a.txt'), 'a');
    expect(gitInfo(dir)).toBeNull();
  });

  it('gives HEAD, and dirty for a modified tracked file or an untracked one', () => {
    const head = commitA(dir, 'a');
    expect(gitInfo(dir)).toEqual({ commit: head, dirty: false });
    writeFileSync(join(dir, 'a.txt'), 'b');
    expect(gitInfo(dir)).toEqual({ commit: head, dirty: true });
    git(dir, 'checkout', '-q', 'a.txt');
    writeFileSync(join(dir, 'new.txt'), 'n');
    expect(gitInfo(dir)).toEqual({ commit: head, dirty: true });
  });

  it('gives the commit of a detached HEAD', () => {
    const first = commitA(dir, 'a');
    expect(commitA(dir, 'b')).not.toBe(first);
    git(dir, 'checkout', '-q', first);
    expect(gitInfo(dir)).toEqual({ commit: first, dirty: false });
  });
});
