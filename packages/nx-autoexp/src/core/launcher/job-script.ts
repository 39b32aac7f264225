/**
 * The sbatch script for one command: #SBATCH options from the experiment's
 * `slurm` section, then the environment, the `setup` lines and the command.
 * Pure text in, text out, so it is unit-tested without a cluster.
 */
import type { SlurmConfig } from '../config/types';
import { shellWord } from '../process/shell-quote';
import { AutoexpError } from '../errors/autoexp-error';
import { slurmTimeSeconds } from './slurm-time';

/**
 * Variables the job needs from the submitting environment. sbatch exports the
 * whole environment by default, but clusters often set --export=NONE or start
 * jobs with a login shell that resets them; writing these into the script
 * makes the job behave the same either way. CUDA_VISIBLE_DEVICES and SLURM_*
 * are deliberately left out: slurm sets them per allocation.
 */
/** Read by the trainer (interrupt.py): the epoch second at which the time-limit signal was asked for. Set per job, never inherited. */
export const STOP_AT_ENV = 'AUTOEXP_STOP_AT';

const EXPORTED = /^(PATH|PYTHONUNBUFFERED|PYTHONPATH|TOKENIZERS_PARALLELISM|(HF|TRANSFORMERS|AUTOEXP)_[A-Za-z0-9_]*)$/;

export function jobEnvironment(env: NodeJS.ProcessEnv): [string, string][] {
  return Object.keys(env)
    .filter((k) => EXPORTED.test(k) && k !== STOP_AT_ENV && env[k] !== undefined)
    .sort()
    .map((k) => [k, env[k] as string]);
}

export interface JobScriptInput {
  cfg: SlurmConfig;
  jobName: string;
  /** Absolute folder for the script and the job's output files. */
  jobDir: string;
  command: string;
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Ask for SIGUSR1 `cfg.signal_s` before the time limit (train jobs: the trainer saves on it). */
  signalBeforeEnd?: boolean;
}

/** Output file patterns (slurm replaces %j with the job id). */
export const outputPattern = (jobDir: string) => `${jobDir}/slurm-%j.out`;
export const errorPattern = (jobDir: string) => `${jobDir}/slurm-%j.err`;
export const outputFile = (jobDir: string, jobId: string) => `${jobDir}/slurm-${jobId}.out`;
export const errorFile = (jobDir: string, jobId: string) => `${jobDir}/slurm-${jobId}.err`;

/** Settings (slurm.extra_args ...) that cannot go into a job script safely. */
export class JobScriptError extends AutoexpError {}

/**
 * sbatch reads #SBATCH lines itself (not through a shell); it splits on
 * whitespace and honours double quotes, so values with spaces are
 * double-quoted and values that cannot be written safely are refused.
 */
function sbatchValue(what: string, v: string): string {
  if (/[\n\r"]/.test(v)) throw new JobScriptError(`slurm ${what} ${JSON.stringify(v)} contains a newline or a double quote, which an #SBATCH line cannot hold: remove it`);
  return /\s/.test(v) ? `"${v}"` : v;
}

export function sbatchDirectives(input: Pick<JobScriptInput, 'cfg' | 'jobName' | 'jobDir' | 'signalBeforeEnd'>): string[] {
  const { cfg, jobName, jobDir } = input;
  const lines: string[] = [];
  const opt = (flag: string, what: string, v: string | number | null | undefined) => {
    if (v === null || v === undefined || v === '') return;
    lines.push(`#SBATCH --${flag}=${sbatchValue(what, String(v))}`);
  };
  opt('job-name', 'job name', jobName);
  // stdout and stderr go to separate files so the pipeline still sees the
  // trainer's JSON progress on stdout and its errors on stderr.
  opt('output', 'job folder', outputPattern(jobDir));
  opt('error', 'job folder', errorPattern(jobDir));
  opt('partition', 'partition', cfg.partition);
  opt('gpus', 'gpus', cfg.gpus);
  opt('cpus-per-task', 'cpus', cfg.cpus);
  opt('mem', 'mem', cfg.mem);
  opt('time', 'time', cfg.time);
  opt('account', 'account', cfg.account);
  opt('qos', 'qos', cfg.qos);
  // B: the batch shell, which exec made the command itself (there is no srun step to signal).
  if (input.signalBeforeEnd && cfg.signal_s) opt('signal', 'signal_s', `B:USR1@${cfg.signal_s}`);
  for (const a of cfg.extra_args ?? []) {
    if (!/^--?[A-Za-z]/.test(a.trim())) {
      throw new JobScriptError(`slurm.extra_args entry ${JSON.stringify(a)} is not an sbatch option: write each as one option, e.g. "--constraint=a100"`);
    }
    if (/[\n\r]/.test(a)) throw new JobScriptError(`slurm.extra_args entry ${JSON.stringify(a)} contains a newline: write one option per entry`);
    lines.push(`#SBATCH ${a.trim()}`);
  }
  return lines;
}

/**
 * slurm sends --signal's warning up to a minute earlier than asked (its time
 * checks run every 30 s and fire 30 s ahead): with a short limit that is at
 * job start, and an attempt that stopped on it would save and stop after a
 * step or two. The job's own clock says when `signal_s` before the limit
 * really is; the trainer waits for that moment before acting on the signal.
 */
function stopAtLine(input: JobScriptInput): string[] {
  const limit = slurmTimeSeconds(input.cfg.time);
  if (!input.signalBeforeEnd || !input.cfg.signal_s || limit === null) return [];
  return [`export ${STOP_AT_ENV}=$(( $(date +%s) + ${Math.max(0, limit - input.cfg.signal_s)} ))`];
}

export function buildJobScript(input: JobScriptInput): string {
  const { cfg, command, args, cwd, env } = input;
  for (const s of cfg.setup ?? []) {
    if (/[\n\r]/.test(s)) throw new JobScriptError(`slurm.setup entry ${JSON.stringify(s)} contains a newline: write one shell line per entry`);
  }
  return [
    '#!/bin/bash',
    ...sbatchDirectives(input),
    '# Written by autoexp (launcher: slurm). setup lines run under `set -euo pipefail`.',
    'set -euo pipefail',
    // First: the time limit counts from the job's start, not from after the setup lines.
    ...stopAtLine(input),
    `cd ${shellWord(cwd)}`,
    ...jobEnvironment(env).map(([k, v]) => `export ${k}=${shellWord(v)}`),
    ...(cfg.setup ?? []),
    // slurm's --signal may come up to a minute early, before the trainer installs its handler:
    // an ignored signal survives exec, so it cannot kill the trainer while it starts.
    ...(input.signalBeforeEnd && cfg.signal_s ? ["trap '' USR1"] : []),
    // exec: scancel's SIGTERM reaches the command itself, and its exit code is the job's.
    `exec ${[command, ...args].map(shellWord).join(' ')}`,
    '',
  ].join('\n');
}
