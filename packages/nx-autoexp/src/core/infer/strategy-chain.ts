/**
 * Runs the ordered strategies until one yields complete predictions for every
 * split, recording each attempt. Predictions reach their final paths only
 * after all splits of the winning strategy validated, so a failed chain never
 * leaves a half-new set of files.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { ProcessRunner, runProcess } from '../process/run-process';
import { buildStrategyCommand, formatCommandLine } from './strategy-command';
import { STRATEGY_DEFAULTS, StrategyConfig, validateStrategies } from './strategy-config';
import { readInputFnames, validatePredictions } from './validate-predictions';

export type SplitName = 'dev' | 'test';

export interface SplitJob {
  name: SplitName;
  /** Input CSV with a fname column. */
  input: string;
  /** Final predictions path; written only when the winning strategy's output is valid. */
  output: string;
}

/** One process run: the "attempts" entries of infer-record.json. */
export interface Attempt {
  strategy: string;
  split: SplitName;
  started_at: string;
  duration_ms: number;
  exit_code: number | null;
  signal: string | null;
  timed_out: boolean;
  ok: boolean;
  error: string | null;
  stderr_tail: string;
  output_sha256: string | null;
}

export interface ChainResult {
  ok: boolean;
  strategyUsed: string | null;
  attempts: Attempt[];
  /** The chain stopped because `signal` fired (e.g. the Nx task got SIGINT). */
  aborted: boolean;
}

export interface RunStrategyChainOptions {
  experiment: string;
  strategies: StrategyConfig[];
  splits: SplitJob[];
  python: string;
  checkpoint: string;
  /** Working directory of every attempt; relative paths above resolve against it. */
  cwd: string;
  /** The whole environment of each attempt (runProcess does not merge it with process.env); absent: inherit. */
  env?: NodeJS.ProcessEnv;
  log: (line: string) => void;
  signal?: AbortSignal;
  runner?: ProcessRunner;
  /** SIGTERM -> SIGKILL grace after a timeout or abort (runProcess's default when absent). */
  killGraceMs?: number;
}

/** Lines of stderr kept per attempt, and a cap so one huge line cannot bloat the record. */
const TAIL_LINES = 40;
const TAIL_CHARS = 4000;

const OOM_RE = /CUDA out of memory|OutOfMemoryError|CUDA error: out of memory/i;
/** The trainer's exit code for "CUDA out of memory even at batch size 1" (docs/architecture.md). */
const TRAINER_OOM_EXIT = 6;

function tailText(lines: string[]): string {
  const text = lines.join('\n');
  return text.length > TAIL_CHARS ? '…' + text.slice(text.length - TAIL_CHARS) : text;
}

/** Makes the child's bytes durable before the rename publishes them. */
function fsyncFile(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function tempPathFor(output: string, strategy: string): string {
  return join(dirname(output), `.${basename(output)}.${strategy}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}

interface ProcessOutcome {
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  stderrTail: string[];
}

/** Why a finished process did not succeed, or null when it exited 0 (output still to be checked). */
function processFailure(r: ProcessOutcome, timeoutS: number): string | null {
  const oom = r.stderrTail.some((l) => OOM_RE.test(l)) || r.exitCode === TRAINER_OOM_EXIT;
  const oomNote = oom ? 'CUDA out of memory; ' : '';
  if (r.timedOut) return `${oomNote}timed out after ${timeoutS}s; its process tree was killed`;
  if (r.signal) return `${oomNote}killed by ${r.signal}`;
  if (r.exitCode !== 0) return `${oomNote}exited with code ${r.exitCode}`;
  return oom ? 'CUDA out of memory reported on stderr' : null;
}

export async function runStrategyChain(opts: RunStrategyChainOptions): Promise<ChainResult> {
  validateStrategies(opts.strategies);
  if (!Array.isArray(opts.splits) || opts.splits.length === 0) throw new Error('runStrategyChain: no splits to predict.');
  const runner = opts.runner ?? runProcess;
  const at = (p: string) => (isAbsolute(p) ? p : resolve(opts.cwd, p));
  const checkpoint = at(opts.checkpoint);
  // Config and input problems are the user's to fix: fail before any strategy runs.
  for (const s of opts.strategies) buildStrategyCommand(s, { python: opts.python, checkpoint, input: 'in.csv', output: 'out.csv' });
  const splits = opts.splits.map((s) => ({ ...s, input: at(s.input), output: at(s.output), fnames: readInputFnames(at(s.input)) }));
  const attempts: Attempt[] = [];

  for (const strategy of opts.strategies) {
    const timeoutS = strategy.timeout_s ?? STRATEGY_DEFAULTS.timeout_s;
    const validated: { tmp: string; output: string }[] = [];
    let failed = false;
    let aborted = opts.signal?.aborted ?? false;
    for (const split of splits) {
      if (opts.signal?.aborted) {
        aborted = true;
        break;
      }
      const prefix = `${strategy.name}/${split.name}: `; // callers prefix the experiment
      mkdirSync(dirname(split.output), { recursive: true });
      const tmp = tempPathFor(split.output, strategy.name);
      const cmd = buildStrategyCommand(strategy, { python: opts.python, checkpoint, input: split.input, output: tmp });
      opts.log(`${prefix}start (${split.fnames.length} items, timeout ${timeoutS}s): ${formatCommandLine(cmd)}`);
      const startedAt = new Date();
      let res;
      try {
        res = await runner(cmd.command, cmd.args, {
          cwd: opts.cwd,
          env: opts.env,
          timeoutMs: timeoutS * 1000,
          killGraceMs: opts.killGraceMs,
          tailLines: TAIL_LINES,
          signal: opts.signal,
          onStdoutLine: (l) => opts.log(prefix + l),
          onStderrLine: (l) => opts.log(prefix + l),
        });
      } catch (err) {
        for (const p of [tmp, ...validated.map((v) => v.tmp)]) rmSync(p, { force: true });
        throw err;
      }
      let error: string | null;
      let sha: string | null = null;
      if (res.aborted) {
        aborted = true;
        error = 'aborted (the inference task was interrupted); its process tree was killed';
      } else {
        error = processFailure(res, timeoutS);
        if (error === null) {
          const check = validatePredictions(tmp, split.fnames);
          if (check.ok) sha = check.sha256;
          else error = `exited 0 but the predictions are incomplete: ${check.reason}`;
        }
      }
      attempts.push({
        strategy: strategy.name,
        split: split.name,
        started_at: startedAt.toISOString(),
        duration_ms: res.durationMs,
        exit_code: res.exitCode,
        signal: res.signal,
        timed_out: res.timedOut,
        ok: error === null,
        error,
        stderr_tail: tailText(res.stderrTail),
        output_sha256: sha,
      });
      if (error !== null) {
        rmSync(tmp, { force: true });
        opts.log(`${prefix}failed: ${error}`);
        failed = true;
        break;
      }
      validated.push({ tmp, output: split.output });
      opts.log(`${prefix}ok (${split.fnames.length} predictions, ${(res.durationMs / 1000).toFixed(1)}s)`);
    }
    if (aborted) {
      for (const v of validated) rmSync(v.tmp, { force: true });
      opts.log(`inference aborted; no predictions were replaced`);
      return { ok: false, strategyUsed: null, attempts, aborted: true };
    }
    if (!failed) {
      for (const v of validated) {
        fsyncFile(v.tmp);
        renameSync(v.tmp, v.output);
      }
      opts.log(`inference done with strategy ${strategy.name}`);
      return { ok: true, strategyUsed: strategy.name, attempts, aborted: false };
    }
    for (const v of validated) rmSync(v.tmp, { force: true });
  }
  return { ok: false, strategyUsed: null, attempts, aborted: false };
}
