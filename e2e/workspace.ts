import { ChildProcessWithoutNullStreams, spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export const REPO = join(__dirname, '..');

/** Things a fresh clone does not have, or that are shared by symlink instead of copied. */
const SKIP = new Set(['node_modules', '.venv', '.nx', 'outputs', 'runs', 'prediction', 'dist', '.git', 'coverage', 'tmp', '.pytest_cache', '__pycache__', 'e2e']);

export interface Run {
  code: number;
  out: string;
}

/**
 * A throwaway copy of the workspace (as committed, plus the built plugin), with
 * node_modules and .venv linked from the repo, its own git history and its own
 * Nx cache, so runs never touch the developer's outputs.
 */
export class Workspace {
  /** Every workspace made in this test file; jest.setup.ts removes them after the file's tests. */
  static readonly made: Workspace[] = [];

  readonly root: string;

  constructor(label: string) {
    this.root = mkdtempSync(join(tmpdir(), `autoexp-e2e-${label}-`));
    Workspace.made.push(this);
    // What a clone would hold: tracked files, plus new ones not yet committed (never ignored ones).
    const files = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: REPO, encoding: 'utf8' })
      .stdout.split('\0')
      .filter((rel) => rel && !rel.split('/').some((part) => SKIP.has(part)) && existsSync(join(REPO, rel)));
    for (const rel of files) cpSync(join(REPO, rel), join(this.root, rel), { recursive: true });
    symlinkSync(join(REPO, 'node_modules'), join(this.root, 'node_modules'));
    symlinkSync(join(REPO, '.venv'), join(this.root, '.venv'));
    // npm nests a package's own versions (e.g. yaml 2 under the plugin) when they clash with hoisted ones.
    for (const pkg of readdirSync(join(REPO, 'packages'))) {
      const nested = join(REPO, 'packages', pkg, 'node_modules');
      if (existsSync(nested) && existsSync(join(this.root, 'packages', pkg))) symlinkSync(nested, join(this.root, 'packages', pkg, 'node_modules'));
    }
    this.git('init', '-q', '-b', 'main');
    this.git('add', '-A');
    this.git('-c', 'user.email=e2e@autoexp', '-c', 'user.name=e2e', 'commit', '-qm', 'fixture');
  }

  /** Removes every workspace made so far (AUTOEXP_E2E_KEEP=1 keeps them for a look after a failure). */
  static removeAll(): void {
    if (process.env.AUTOEXP_E2E_KEEP === '1') {
      // eslint-disable-next-line no-console
      if (Workspace.made.length) console.log(`kept e2e workspaces:\n${Workspace.made.map((w) => w.root).join('\n')}`);
      return;
    }
    for (const ws of Workspace.made.splice(0)) rmSync(ws.root, { recursive: true, force: true });
  }

  git(...args: string[]): string {
    const r = spawnSync('git', args, { cwd: this.root, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`git ${args.join(' ')} failed: ${r.stderr}`);
    return r.stdout;
  }

  private env(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
    return { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false', HF_HUB_OFFLINE: '1', TRANSFORMERS_OFFLINE: '1', FORCE_COLOR: '0', ...extra };
  }

  run(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}): Run {
    const r = spawnSync(cmd, args, {
      cwd: this.root,
      encoding: 'utf8',
      env: this.env(env),
      maxBuffer: 64 * 1024 * 1024,
    });
    return { code: r.status ?? 1, out: `${r.stdout}\n${r.stderr}` };
  }

  /**
   * nx in the background, leading its own process group (as a terminal's
   * foreground job does), so a test can send the group SIGINT like Ctrl-C.
   */
  spawnNx(args: string[], onOutput?: (all: string) => void): { child: ChildProcessWithoutNullStreams; output: () => string; exited: Promise<{ code: number | null; signal: string | null }> } {
    const child = spawn(join(this.root, 'node_modules', '.bin', 'nx'), args, { cwd: this.root, detached: true, env: this.env() });
    let out = '';
    const onData = (b: Buffer) => {
      out += b.toString();
      onOutput?.(out);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const exited = new Promise<{ code: number | null; signal: string | null }>((ok) => child.on('close', (code, signal) => ok({ code, signal })));
    return { child, output: () => out, exited };
  }

  nx(...args: string[]): Run {
    return this.run(join(this.root, 'node_modules', '.bin', 'nx'), args);
  }

  autoexp(...args: string[]): Run {
    return this.run('node', [join(REPO, 'packages', 'nx-autoexp', 'bin', 'autoexp.js'), ...args]);
  }

  read(rel: string): string {
    return readFileSync(join(this.root, rel), 'utf8');
  }

  write(rel: string, text: string): void {
    mkdirSync(dirname(join(this.root, rel)), { recursive: true });
    writeFileSync(join(this.root, rel), text);
  }

  edit(rel: string, fn: (text: string) => string): void {
    this.write(rel, fn(this.read(rel)));
  }

  exists(rel: string): boolean {
    return existsSync(join(this.root, rel));
  }

  list(rel: string): string[] {
    return existsSync(join(this.root, rel)) ? readdirSync(join(this.root, rel)).sort() : [];
  }
}

/** Nx's per-task status lines tell a cache hit from a real run. */
export function taskRan(out: string, task: string): boolean {
  return new RegExp(`> nx run ${task.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?! *\\[(local cache|existing outputs match the cache, left as is)\\])`).test(out);
}

export function taskCached(out: string, task: string): boolean {
  return new RegExp(`> nx run ${task.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} +\\[(local cache|existing outputs match the cache, left as is)\\]`).test(out);
}

export const indexRows = (ws: Workspace): string[] =>
  ws.exists('prediction/experiment_index.csv') ? ws.read('prediction/experiment_index.csv').trim().split('\n').slice(1) : [];
