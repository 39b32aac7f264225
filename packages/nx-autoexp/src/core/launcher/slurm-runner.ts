/**
 * A ProcessRunner that runs the command as a slurm batch job instead of a
 * child process, so the pipeline swaps launchers without knowing which one it
 * has: write the job script, `sbatch --parsable`, poll squeue, stream the
 * job's output files, read the end state (scontrol, else sacct), map it.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { SlurmConfig } from '../config/types';
import { writeFileAtomic } from '../fs/atomic-write';
import { outputTails } from '../process/run-process';
import type { RunProcessOptions, RunProcessResult } from '../process/run-process';
import { FileTail } from './file-tail';
import { CommandOutput, CommandRunner, runSlurmCommand } from './slurm-command';
import { JobScriptError, buildJobScript, errorFile, outputFile } from './job-script';
import { FinalState, describeJobEnd, isActiveState, mapFinalState, parseSacct, parseScontrol, parseSqueue } from './slurm-state';
import { compactTimestamp } from '../time/compact-timestamp';

/** What a slurm run returns: runProcess's result plus where the job went. */
export type SlurmRunResult = RunProcessResult & {
  /** Null when nothing was submitted (sbatch missing, controller down, bad config, aborted first). */
  jobId: string | null;
  /** Final slurm state (COMPLETED, FAILED, TIMEOUT, ...), null if unknown. */
  state: string | null;
  /** The job script written into jobDir. */
  script: string | null;
  /** The job's stdout file (stderr is the same path with .err). */
  outputFile: string | null;
};

export type SlurmRunner = (command: string, args: string[], options?: RunProcessOptions) => Promise<SlurmRunResult>;

export interface SlurmRunnerOptions {
  /** Folder for job scripts and slurm-<id>.out/.err; must be on a filesystem the compute nodes share. */
  jobDir: string;
  jobName: string;
  /** slurm binaries (names on PATH or absolute paths). */
  sbatch?: string;
  squeue?: string;
  sacct?: string;
  scontrol?: string;
  scancel?: string;
  /** The runner's own status lines (submitted, state changes, end state). */
  log?: (line: string) => void;
  /** One slurm command may take this long before the controller counts as unreachable (default 30 s). */
  commandTimeoutMs?: number;
  /** How often the output files are read (default 1 s, never less often than the queue poll). */
  tailIntervalMs?: number;
  /** squeue may fail this long in a row (controller restart) before the run gives up (default 10 min). */
  controllerGraceMs?: number;
  /** After scancel, how long to wait for the job to leave the queue (default 2 min). */
  cancelWaitMs?: number;
  /** Runs the slurm client commands (tests swap it); default runSlurmCommand. */
  exec?: CommandRunner;
  /** Train jobs: SIGUSR1 slurm.signal_s before the time limit (job-script.ts). */
  signalBeforeEnd?: boolean;
}

/** A sleep that an abort can cut short, so Ctrl-C is acted on at once rather than after a poll interval. */
class Waker {
  private wakeUp: (() => void) | null = null;
  sleep(ms: number): Promise<void> {
    return new Promise((done) => {
      const t = setTimeout(() => {
        this.wakeUp = null;
        done();
      }, ms);
      this.wakeUp = () => {
        clearTimeout(t);
        this.wakeUp = null;
        done();
      };
    });
  }
  wake(): void {
    this.wakeUp?.();
  }
}

const CANCEL_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
const fileSafe = (s: string) => s.replace(/[^A-Za-z0-9._-]+/g, '_');

export function createSlurmRunner(cfg: SlurmConfig, opts: SlurmRunnerOptions): SlurmRunner {
  const bin = {
    sbatch: opts.sbatch ?? 'sbatch',
    squeue: opts.squeue ?? 'squeue',
    sacct: opts.sacct ?? 'sacct',
    scontrol: opts.scontrol ?? 'scontrol',
    scancel: opts.scancel ?? 'scancel',
  };
  const exec = opts.exec ?? runSlurmCommand;
  const log = opts.log ?? (() => undefined);
  const commandTimeoutMs = opts.commandTimeoutMs ?? 30_000;
  const pollMs = Math.max(1, (cfg.poll_interval_s ?? 5) * 1000);
  const tickMs = Math.min(opts.tailIntervalMs ?? 1000, pollMs);
  const graceMs = opts.controllerGraceMs ?? 10 * 60_000;
  const cancelWaitMs = opts.cancelWaitMs ?? 120_000;
  const jobDir = resolve(opts.jobDir);

  const call = (command: string, args: string[], env?: NodeJS.ProcessEnv): Promise<CommandOutput> => exec(command, args, { env, timeoutMs: commandTimeoutMs });

  return async (command, args, options = {}) => {
    const started = Date.now();
    const tails = outputTails(options.tailLines ?? 40);
    const { tail, stderrTail } = tails;
    const note = (text: string) => {
      for (const line of text.split('\n')) {
        tails.stderr(line);
        log(line);
      }
    };
    const result = (r: Partial<SlurmRunResult> & { exitCode: number | null }): SlurmRunResult => ({
      signal: null,
      timedOut: false,
      aborted: false,
      durationMs: Date.now() - started,
      tail,
      stderrTail,
      jobId: null,
      state: null,
      script: null,
      outputFile: null,
      ...r,
    });
    const fail = (exitCode: number, message: string, extra: Partial<SlurmRunResult> = {}) => {
      note(message);
      return result({ exitCode, ...extra });
    };

    if (options.signal?.aborted) return result({ exitCode: null, aborted: true });

    // 1. The job script.
    let script: string;
    try {
      script = buildJobScript({ cfg, jobName: opts.jobName, jobDir, signalBeforeEnd: opts.signalBeforeEnd, command, args, cwd: resolve(options.cwd ?? process.cwd()), env: options.env ?? process.env });
    } catch (err) {
      if (err instanceof JobScriptError) return fail(1, `slurm: ${err.message}`);
      throw err;
    }
    mkdirSync(jobDir, { recursive: true });
    const scriptPath = join(jobDir, `${fileSafe(opts.jobName)}.${compactTimestamp(new Date())}-${randomBytes(2).toString('hex')}.sbatch`);
    writeFileAtomic(scriptPath, script);

    // 2. Submit. sbatch passes its environment to the job (default --export=ALL), so it gets the caller's env too.
    const sub = await call(bin.sbatch, ['--parsable', scriptPath], options.env);
    const subErr = sub.stderr.trim();
    if (sub.notFound) {
      return fail(127, `slurm: '${bin.sbatch}' was not found (${subErr || 'not on PATH'}). Install the slurm client tools (Debian/Ubuntu: apt-get install slurm-client; on a cluster: load its slurm module before running nx) or set "launcher: local" in the experiment.`, { script: scriptPath });
    }
    if (sub.timedOut) {
      return fail(1, `slurm: sbatch did not answer within ${Math.round(commandTimeoutMs / 1000)} s: the slurm controller (slurmctld) is down or unreachable. Check it with \`scontrol ping\` and \`sinfo\`; on a single-node test cluster start it with: sudo bash tools/slurm/start-test-cluster.sh. If the job was accepted after all, \`squeue --name=${opts.jobName}\` shows it.`, { script: scriptPath });
    }
    const idLine = sub.stdout.split('\n').map((l) => l.trim()).filter(Boolean).pop() ?? '';
    const idMatch = /^(\d+)(;\S+)?$/.exec(idLine);
    if (sub.exitCode !== 0 || !idMatch) {
      const down = /unable to contact slurm controller|connection refused|connect failure|zero bytes were transmitted|communication connection failure/i.test(subErr);
      const why = down
        ? 'the slurm controller (slurmctld) is down or unreachable. Check it with `scontrol ping` and `sinfo`; on a single-node test cluster start it with: sudo bash tools/slurm/start-test-cluster.sh'
        : `fix the slurm settings of the experiment (slurm.partition, gpus, mem, time, account, qos, extra_args) or the job script ${scriptPath}`;
      return fail(1, `slurm: sbatch failed (exit code ${sub.exitCode}): ${subErr || idLine || 'no output'}\n${why}`, { script: scriptPath });
    }
    const jobId = idMatch[1];
    const out = outputFile(jobDir, jobId);
    log(`slurm: submitted job ${jobId} (script ${scriptPath}; output ${out})`);

    // No job may outlive its task. A signal cancels the job at once, synchronously:
    // Nx follows Ctrl-C with SIGTERMs to the task's tree and then exits, and a
    // second signal after the caller's once-handlers would kill this process
    // before an asynchronous scancel ran. The 'exit' hook covers process.exit().
    const waker = new Waker();
    let finished = false;
    let cancelledSync = false;
    const cancelNow = () => {
      if (finished || cancelledSync) return;
      cancelledSync = true;
      spawnSync(bin.scancel, [jobId], { stdio: 'ignore', timeout: 10_000 });
      waker.wake();
    };
    // Whether the caller handles each signal itself, counted before ours is added (execa adds
    // short-lived handlers of its own while a slurm command runs: they must not count).
    const callerHandles = new Set(CANCEL_SIGNALS.filter((sig) => process.listenerCount(sig) > 0));
    const onSignal = (sig: NodeJS.Signals) => {
      cancelNow();
      // A caller that passed no AbortSignal and has no handler of its own expects the
      // signal's default (terminate): re-raise it once the job is cancelled.
      if (!options.signal && !callerHandles.has(sig)) {
        detachHooks();
        process.kill(process.pid, sig);
      }
    };
    const detachHooks = () => {
      process.removeListener('exit', cancelNow);
      for (const sig of CANCEL_SIGNALS) process.removeListener(sig, onSignal);
    };
    process.once('exit', cancelNow);
    for (const sig of CANCEL_SIGNALS) process.on(sig, onSignal);

    const outTail = new FileTail(out, (l) => {
      tails.stdout(l);
      options.onStdoutLine?.(l);
    });
    const errTail = new FileTail(errorFile(jobDir, jobId), (l) => {
      tails.stderr(l);
      options.onStderrLine?.(l);
    });

    let aborted = false;
    let timedOut = false;
    const onAbort = () => {
      aborted = true;
      waker.wake();
    };
    if (options.signal) {
      if (options.signal.aborted) aborted = true;
      else options.signal.addEventListener('abort', onAbort, { once: true });
    }
    const timer = options.timeoutMs
      ? setTimeout(() => {
          timedOut = true;
          waker.wake();
        }, options.timeoutMs)
      : undefined;

    try {
      let lastState: string | null = null;
      let nextQueueCheck = 0;
      let failingSince: number | null = null;
      let cancelSentAt: number | null = null;
      let final: FinalState | null = null;
      let lostRecord: string | null = null;
      for (;;) {
        outTail.poll();
        errTail.poll();
        if (cancelledSync && cancelSentAt === null) {
          log(`slurm: this process got a signal: cancelled job ${jobId}`);
          cancelSentAt = Date.now();
          nextQueueCheck = 0;
        } else if ((aborted || timedOut) && cancelSentAt === null) {
          log(`slurm: ${aborted ? 'interrupted' : `timed out after ${Math.round((options.timeoutMs ?? 0) / 1000)} s`}: cancelling job ${jobId}`);
          const c = await call(bin.scancel, [jobId]);
          if (c.exitCode !== 0) log(`slurm: scancel ${jobId} failed: ${c.stderr.trim() || (c.timedOut ? 'timed out' : `exit code ${c.exitCode}`)}`);
          cancelSentAt = Date.now();
          nextQueueCheck = 0;
        }
        if (Date.now() >= nextQueueCheck) {
          // After scancel, check every second: the caller is waiting for the job to go.
          nextQueueCheck = Date.now() + (cancelSentAt !== null ? Math.min(pollMs, 1000) : pollMs);
          const q = await call(bin.squeue, ['-h', '-j', jobId, '-o', '%T']);
          const qErr = q.stderr;
          // null: the job left the queue ("Invalid job id" once the controller purged it); undefined: squeue itself failed.
          const state: string | null | undefined = q.exitCode === 0 ? parseSqueue(q.stdout) : /invalid job id/i.test(qErr) ? null : undefined;
          if (state === undefined) {
            failingSince ??= Date.now();
            if (Date.now() - failingSince > graceMs) {
              return fail(1, `slurm: lost contact with the controller for ${Math.round(graceMs / 1000)} s while waiting for job ${jobId} (${qErr.trim() || 'squeue failed'}); the job may still be running: check \`squeue -j ${jobId}\` and cancel it with \`scancel ${jobId}\``, { jobId, script: scriptPath, outputFile: out, aborted, timedOut });
            }
          } else {
            failingSince = null;
            if (state !== null && state !== lastState) {
              if (isActiveState(state)) log(`slurm job ${jobId}: ${state}`);
              lastState = state;
            }
            if (state === null || !isActiveState(state)) {
              const f = await finalState(jobId);
              if ('unknown' in f) {
                lostRecord = f.unknown;
                break;
              }
              if (!('active' in f)) {
                final = f;
                break;
              }
            }
          }
          if (cancelSentAt !== null && Date.now() - cancelSentAt > cancelWaitMs) {
            return fail(1, `slurm: job ${jobId} was cancelled but is still in the queue (${lastState ?? 'unknown state'}) after ${Math.round(cancelWaitMs / 1000)} s; check \`squeue -j ${jobId}\``, { jobId, script: scriptPath, outputFile: out, aborted, timedOut });
          }
        }
        await waker.sleep(aborted || timedOut ? Math.min(tickMs, 250) : tickMs);
      }

      outTail.finish();
      errTail.finish();
      const common = { jobId, script: scriptPath, outputFile: out, aborted, timedOut };
      if (lostRecord) {
        return fail(1, `slurm: job ${jobId} left the queue but neither scontrol nor sacct knows how it ended (${lostRecord}). If accounting is off and the controller already forgot the job, raise MinJobAge in slurm.conf or lower slurm.poll_interval_s. Its output: ${out}`, { ...common, state: null });
      }
      const f = final as FinalState;
      const mapped = mapFinalState(jobId, f);
      if (mapped.message) note(mapped.message);
      else log(describeJobEnd(jobId, f));
      return result({ ...common, exitCode: mapped.exitCode, state: f.state });
    } finally {
      finished = true;
      if (timer) clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      detachHooks();
    }
  };

  /**
   * How the job ended. scontrol first: it reads the controller's own record
   * (kept for MinJobAge after the end) and works without accounting; sacct
   * covers a record the controller already dropped. 'active' when one of them
   * still sees it finishing, 'unknown' when neither knows the job.
   */
  async function finalState(jobId: string): Promise<FinalState | { active: true } | { unknown: string }> {
    const sc = await call(bin.scontrol, ['show', 'job', jobId]);
    if (sc.exitCode === 0) {
      const f = parseScontrol(sc.stdout);
      if (f) return isActiveState(f.state) ? { active: true } : f;
    }
    const sa = await call(bin.sacct, ['-n', '-P', '-X', '-j', jobId, '-o', 'State,ExitCode']);
    if (sa.exitCode === 0) {
      const f = parseSacct(sa.stdout);
      if (f) return isActiveState(f.state) ? { active: true } : f;
    }
    const said = (c: CommandOutput) => (c.stderr.trim() || c.stdout.trim() || (c.timedOut ? 'timed out' : `exit code ${c.exitCode}`)).replace(/\s+/g, ' ').slice(0, 300);
    return { unknown: `scontrol: ${said(sc)}; sacct: ${said(sa)}` };
  }
}
