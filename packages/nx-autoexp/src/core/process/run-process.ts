/**
 * The one place that spawns processes. Everything else (executors, the
 * inference chain, the CLI) goes through `runProcess`, so tests can swap it
 * and so process-tree cleanup lives in one spot.
 *
 * execa 5 is used because it is CommonJS: execa 9 is ESM-only and Jest on
 * Node 20 cannot load it without experimental VM modules.
 */
import execa from 'execa';
import { killGroup, waitGroupGone } from './process-group';

/** The last lines of a process's output (both streams, and stderr alone), for error messages. */
export function outputTails(max: number) {
  const tail: string[] = [];
  const stderrTail: string[] = [];
  const keep = (arr: string[], line: string) => {
    arr.push(line);
    if (arr.length > max) arr.shift();
  };
  return {
    tail,
    stderrTail,
    stdout: (line: string) => keep(tail, line),
    stderr: (line: string) => {
      keep(tail, line);
      keep(stderrTail, line);
    },
  };
}

export interface RunProcessOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /**
   * Kill the whole process tree after this many ms (SIGTERM, then SIGKILL after `killGraceMs`).
   * The grace is the group's: a grandchild still saving when the child has exited gets the rest of it.
   */
  timeoutMs?: number;
  killGraceMs?: number;
  /** Called for each complete stdout / stderr line (without the newline). */
  onStdoutLine?: (line: string) => void;
  onStderrLine?: (line: string) => void;
  /** How many trailing output lines to keep for error messages. */
  tailLines?: number;
  /** Abort from outside (e.g. the Nx task got SIGINT): kills the tree. */
  signal?: AbortSignal;
  /** Called with the child's pid once it is started (device locks record it). */
  onSpawn?: (pid: number | undefined) => void;
}

export interface RunProcessResult {
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  aborted: boolean;
  durationMs: number;
  /** Last `tailLines` lines of stdout and stderr interleaved in arrival order. */
  tail: string[];
  stderrTail: string[];
}

export type ProcessRunner = (command: string, args: string[], options?: RunProcessOptions) => Promise<RunProcessResult>;

function lineSplitter(onLine: (line: string) => void): { push(chunk: Buffer | string): void; flush(): void } {
  let buf = '';
  return {
    push(chunk) {
      buf += chunk.toString();
      let i: number;
      while ((i = buf.indexOf('\n')) >= 0) {
        onLine(buf.slice(0, i).replace(/\r$/, ''));
        buf = buf.slice(i + 1);
      }
    },
    flush() {
      if (buf.length > 0) onLine(buf);
      buf = '';
    },
  };
}

export const runProcess: ProcessRunner = async (command, args, options = {}) => {
  const tails = outputTails(options.tailLines ?? 40);
  const { tail, stderrTail } = tails;
  const started = Date.now();
  // detached: the child leads its own process group, so a timeout or abort can
  // kill grandchildren too (no orphan left holding GPU memory).
  const child = execa(command, args, {
    cwd: options.cwd,
    env: options.env,
    extendEnv: options.env === undefined,
    detached: true,
    reject: false,
    stdin: 'ignore',
    buffer: false,
  });
  options.onSpawn?.(child.pid);
  const out = lineSplitter((l) => {
    tails.stdout(l);
    options.onStdoutLine?.(l);
  });
  const err = lineSplitter((l) => {
    tails.stderr(l);
    options.onStderrLine?.(l);
  });
  child.stdout?.on('data', (c) => out.push(c));
  child.stderr?.on('data', (c) => err.push(c));

  let timedOut = false;
  let aborted = false;
  let graceTimer: NodeJS.Timeout | undefined;
  let graceEnds = 0;
  const terminate = () => {
    if (graceTimer) return; // a timeout and an abort: one grace, not two
    const grace = options.killGraceMs ?? 3000;
    graceEnds = Date.now() + grace;
    killGroup(child.pid, 'SIGTERM');
    graceTimer = setTimeout(() => killGroup(child.pid, 'SIGKILL'), grace);
  };
  const timer = options.timeoutMs
    ? setTimeout(() => {
        timedOut = true;
        terminate();
      }, options.timeoutMs)
    : undefined;
  const onAbort = () => {
    aborted = true;
    terminate();
  };
  if (options.signal) {
    if (options.signal.aborted) onAbort();
    else options.signal.addEventListener('abort', onAbort, { once: true });
  }
  // The parent may die from SIGINT/SIGTERM: take the tree down with it.
  const onExit = () => killGroup(child.pid, 'SIGKILL');
  process.once('exit', onExit);

  // 'exit' can come before the pipes are drained: wait for 'close' too (bounded, since a
  // grandchild that inherited the pipes may keep them open after the child is gone).
  const closed = new Promise<void>((done) => child.once('close', () => done()));
  const res = await child;
  // A stopped child may leave its group still at work: /bin/sh dies on SIGTERM at once while the
  // user's trainer under it saves its checkpoint. Wait for the group, within the grace.
  if ((timedOut || aborted) && child.pid) await waitGroupGone(child.pid, graceEnds);
  await Promise.race([closed, new Promise((done) => setTimeout(done, 2000).unref())]);
  out.flush();
  err.flush();
  if (timer) clearTimeout(timer);
  if (graceTimer) clearTimeout(graceTimer);
  options.signal?.removeEventListener('abort', onAbort);
  process.removeListener('exit', onExit);
  // Reap whatever the child left behind in its group (e.g. a shell's children).
  if (timedOut || aborted) killGroup(child.pid, 'SIGKILL');

  let exitCode: number | null = typeof res.exitCode === 'number' ? res.exitCode : null;
  if (res.signal) exitCode = null;
  if (res.failed && exitCode === null && !res.signal) {
    // spawn failure (ENOENT etc.)
    const r = res as unknown as { originalMessage?: string; shortMessage?: string; message?: string };
    const msg = r.originalMessage ?? r.shortMessage ?? String(r.message ?? 'spawn failed');
    tails.stderr(msg);
    exitCode = 127;
  }
  return {
    exitCode,
    signal: res.signal ?? null,
    timedOut,
    aborted,
    durationMs: Date.now() - started,
    tail,
    stderrTail,
  };
};
