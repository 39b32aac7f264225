import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gitInfo } from './git-info';

const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();

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
    git(dir, 'init', '-q');
    writeFileSync(join(dir, 'a.txt'), 'a');
    git(dir, 'add', 'a.txt');
    git(dir, 'commit', '-q', '-m', 'one');
    const head = git(dir, 'rev-parse', 'HEAD');
    expect(gitInfo(dir)).toEqual({ commit: head, dirty: false });
    writeFileSync(join(dir, 'a.txt'), 'b');
    expect(gitInfo(dir)).toEqual({ commit: head, dirty: true });
    git(dir, 'checkout', '-q', 'a.txt');
    writeFileSync(join(dir, 'new.txt'), 'n');
    expect(gitInfo(dir)).toEqual({ commit: head, dirty: true });
  });

  it('gives the commit of a detached HEAD', () => {
    git(dir, 'init', '-q');
    writeFileSync(join(dir, 'a.txt'), 'a');
    git(dir, 'add', 'a.txt');
    git(dir, 'commit', '-q', '-m', 'one');
    const first = git(dir, 'rev-parse', 'HEAD');
    writeFileSync(join(dir, 'a.txt'), 'b');
    git(dir, 'commit', '-q', '-am', 'two');
    git(dir, 'checkout', '-q', first);
    expect(gitInfo(dir)).toEqual({ commit: first, dirty: false });
  });
});
