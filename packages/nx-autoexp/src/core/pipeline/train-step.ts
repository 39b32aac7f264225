import { existsSync, mkdirSync, realpathSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { buildResolvedConfig, newRunId } from '../config/resolved-config';
import { loadExperimentCached } from '../config/experiment-cache';
import { SMOKE } from './smoke-limits';
import { experimentIds } from '../config/experiment-ids';
import type { ResolvedExperiment } from '../config/types';
import { writeJsonAtomic } from '../fs/atomic-write';
import { findCheckpoint, formatNoCheckpointError } from '../checkpoints';
import { buildManifest, writeManifest } from '../checkpoints';
import { leaseRunner, selectRunner, torchrunArgs, torchrunWorkerExit } from '../launcher';
import { localDevices } from './local-devices';
import { snapshotCheckpoints, writtenSince } from '../checkpoints/checkpoint-snapshot';
import { RUN_RECORD } from '../checkpoints/run-records';
import { withTrainingLock } from './experiment-lock';
import { TargetNames, jobNameOf, nxRunCommand } from '../naming/experiment-names';
import type { ProcessRunner } from '../process/run-process';
import { PipelineError } from './pipeline-error';
import { resolveEnsemble } from '../ensemble/load-ensemble';
import { fillPlaceholders } from './placeholders';
import { formatTrainerEvent, parseTrainerEvent } from './progress-events';
import { resolvePython, trainerEnv } from './python';
import { planResume } from './resume-plan';
import { requeueing } from '../launcher/requeue';
import { runPaths } from './run-paths';
import { INTERRUPTED_EXIT, describeExit } from './trainer-exit-codes';

export interface StepContext {
  workspaceRoot: string;
  experiment: string;
  log: (line: string) => void;
  signal?: AbortSignal;
  env?: NodeJS.ProcessEnv;
  runner?: ProcessRunner;
  /** A smoke run: a few steps on a small slice, recorded apart from real runs. */
  smoke?: boolean;
  /** train --fresh: a new run even when an interrupted one could be resumed. */
  fresh?: boolean;
  /** The plugin's target names (renamed in nx.json or not), so every hint names the real target. */
  targets?: TargetNames;
}

/** The real path of `p`, also when its tail does not exist yet (realpath of the nearest existing ancestor). */
function realPathOf(p: string): string {
  const rest: string[] = [];
  let d = resolve(p);
  for (;;) {
    try {
      return join(realpathSync.native(d), ...rest.reverse());
    } catch {
      const up = dirname(d);
      if (up === d) return resolve(p);
      rest.push(basename(d));
      d = up;
    }
  }
}

const inside = (child: string, parent: string) => child.startsWith(parent.endsWith(sep) ? parent : parent + sep);

/**
 * Another experiment writing into the same output_dir, or into one nested in
 * this one's (or reached through a symlink), would mix runs: the finder of
 * the outer one would see the inner one's checkpoints. Refuse before anything runs.
 */
function checkOutputDirUnique(root: string, exp: ResolvedExperiment): void {
  const mine = realPathOf(resolve(root, exp.outputDir));
  for (const other of experimentIds(root)) {
    if (other === exp.name) continue;
    let o: ResolvedExperiment;
    try {
      o = loadExperimentCached(root, other);
    } catch {
      continue;
    }
    const theirs = realPathOf(resolve(root, o.outputDir));
    const hint = `give each its own train.output_dir, side by side rather than one inside the other (the default "outputs/{experiment}" is unique per experiment)`;
    if (theirs === mine) {
      throw new PipelineError(`experiments '${exp.name}' and '${other}' both write checkpoints to ${exp.outputDir}${o.outputDir !== exp.outputDir ? ` (${o.outputDir} is the same folder)` : ''}`, hint);
    }
    if (inside(theirs, mine) || inside(mine, theirs)) {
      const [outer, inner] = inside(theirs, mine) ? [exp, o] : [o, exp];
      throw new PipelineError(
        `experiment '${inner.name}' writes checkpoints to ${inner.outputDir}, inside the train.output_dir of '${outer.name}' (${outer.outputDir}${realPathOf(resolve(root, outer.outputDir)) !== resolve(root, outer.outputDir) ? ', through a symlink' : ''}): '${outer.name}' would find the other's checkpoints`,
        hint,
      );
    }
  }
}

/** `<ts>-<hash8>`, with -2, -3 ... when a run folder of that name exists (two runs in one second). Called under the training lock. */
function freeRunId(outputDir: string, base: string, smoke: boolean): string {
  for (let n = 1; ; n++) {
    const id = `${base}${n === 1 ? '' : `-${n}`}${smoke ? '-smoke' : ''}`;
    if (!existsSync(join(outputDir, ...(smoke ? ['smoke'] : []), id))) return id;
  }
}

export interface TrainResult {
  manifestPath: string;
  checkpoint: string;
  step: number | null;
  runId: string;
}

export async function trainStep(ctx: StepContext): Promise<TrainResult> {
  const { workspaceRoot: root, experiment } = ctx;
  const exp = loadExperimentCached(root, experiment);
  if (exp.config.ensemble) refuseEnsembleTrain(root, exp, ctx.targets);
  checkOutputDirUnique(root, exp);
  return withTrainingLock(root, experiment, !!ctx.smoke, () => train(ctx, exp), ctx.targets);
}

/**
 * An ensemble has no train target; a train task reaches it only when its
 * members do not resolve (the plugin then gives it an experiment's targets to
 * report that), so the member error comes first.
 */
function refuseEnsembleTrain(root: string, exp: ResolvedExperiment, targets?: TargetNames): never {
  resolveEnsemble(root, exp);
  throw new PipelineError(`${exp.project} is an ensemble: it trains nothing`, `run its infer or submit: ${nxRunCommand(exp.name, 'submit', { targets })}`);
}

async function train(ctx: StepContext, exp: ResolvedExperiment): Promise<TrainResult> {
  const { workspaceRoot: root, experiment, log } = ctx;
  const smoke = !!ctx.smoke;
  const paths = runPaths(experiment, ctx.smoke);
  const resume = planResume(root, exp, { ...ctx, onFresh: (why) => log(`train: a new run, not resuming: ${why}`) });
  const runId = resume?.runId ?? freeRunId(resolve(root, exp.outputDir), newRunId(exp.hashes.train), smoke);
  const built = ctx.smoke ? applySmoke(buildResolvedConfig(root, exp, runId)) : buildResolvedConfig(root, exp, runId);
  const resolved = withRunControl(built, exp, resume);
  const configPath = join(root, paths.resolvedConfig);
  writeJsonAtomic(configPath, resolved);
  const train = resolved.train as { output_dir: string; run_dir: string };

  let python: string;
  try {
    python = resolvePython(root, ctx.env);
  } catch (err) {
    // A user command may bring its own interpreter; only the built-in trainer needs .venv.
    if (!exp.config.train.command) throw err;
    python = 'python3';
  }
  // A user's trainer leaves no run record: its checkpoints are told from older ones by what changed.
  const userCommand = !!exp.config.train.command;
  const before = userCommand ? snapshotCheckpoints(train.output_dir) : null;
  const startedAt = new Date().toISOString();
  // Local runs take their devices from the pool first (SLURM allocates its own).
  const lease = await localDevices(ctx, exp, 'train');
  let res: Awaited<ReturnType<ProcessRunner>>;
  const nproc = lease.ids.length;
  try {
    let command: string;
    let args: string[];
    if (exp.config.train.command) {
      command = '/bin/sh';
      try {
        args = ['-c', fillPlaceholders(exp.config.train.command, { config: configPath, output_dir: train.output_dir, run_dir: train.run_dir, experiment, python, gpus: nproc })];
      } catch (err) {
        throw new PipelineError(`train.command in ${exp.file}: ${(err as Error).message}`, 'use only the placeholders listed (README "Using your own train.py")');
      }
    } else {
      command = python;
      const trainerArgs = ['-m', 'autoexp_trainer', 'train', '--config', configPath];
      args = nproc > 1 ? torchrunArgs(nproc, trainerArgs) : trainerArgs;
    }
    // Each run its own folder, {run_dir}; made only once the command is known to be valid.
    if (userCommand) mkdirSync(train.run_dir, { recursive: true });
    const torchrun = nproc > 1 && !exp.config.train.command ? ` (torchrun, ${nproc} processes)` : '';
    log(`${resume ? resume.line : `train${ctx.smoke ? ' (smoke)' : ''}: run ${runId} -> ${train.run_dir}`}${torchrun}`);
    const base = ctx.runner ?? selectRunner(exp.config, { jobDir: join(train.run_dir, 'slurm'), jobName: jobNameOf(experiment, 'train'), log, signalBeforeEnd: !userCommand && exp.config.train.save_on_interrupt });
    // slurm.requeue: a job cut short by its time limit is submitted again, from a fresh resume point.
    const retry = () => {
      const again = planResume(root, exp, { smoke: ctx.smoke });
      if (!again || again.runId !== runId) return false;
      writeJsonAtomic(configPath, withRunControl(built, exp, again));
      log(again.line);
      return true;
    };
    const requeued = exp.config.launcher === 'slurm' && !userCommand ? requeueing(base, exp.config.slurm, { log, interruptedExit: INTERRUPTED_EXIT, prepareRetry: retry }) : base;
    const runner = leaseRunner(requeued, lease);
    res = await runner(command, args, {
      cwd: root,
      env: { ...trainerEnv(ctx.env ?? process.env), AUTOEXP_EVENTS_ONLY: '1', ...(ctx.smoke ? { AUTOEXP_SMOKE: '1' } : {}), ...lease.env },
      signal: ctx.signal,
      // On Ctrl-C the trainer saves a checkpoint at its next step first (train.save_on_interrupt).
      killGraceMs: exp.config.train.save_on_interrupt ? exp.config.train.interrupt_grace_s * 1000 : undefined,
      tailLines: nproc > 1 ? 60 : 30, // torchrun appends its own failure summary
      onStdoutLine: (line) => {
        const ev = parseTrainerEvent(line);
        const text = ev ? formatTrainerEvent(ev) : line;
        if (text) log(text);
      },
      onStderrLine: (line) => log(line),
    });
  } finally {
    lease.release();
  }
  if (userCommand) recordUserRun(train.run_dir, { run_id: runId, experiment, config_hash: exp.hashes.train, started_at: startedAt, exitCode: res.aborted ? null : res.exitCode });
  if (res.aborted || res.exitCode === INTERRUPTED_EXIT) {
    const saved = res.exitCode === INTERRUPTED_EXIT ? 'the trainer saved a checkpoint first; ' : '';
    throw new PipelineError(`training was interrupted; ${saved}nothing was cached`, `run it again to resume: ${nxRunCommand(experiment, 'train', { smoke, targets: ctx.targets })} (--fresh starts over)`);
  }
  if (res.exitCode !== 0) {
    const worker = nproc > 1 && res.exitCode === 1 ? torchrunWorkerExit(res.tail) : null;
    throw new PipelineError(
      `training failed (${describeExit(worker !== null && worker > 0 ? worker : res.exitCode, res.signal)})`,
      `fix the problem above, then run: ${nxRunCommand(experiment, 'train', { smoke, targets: ctx.targets })}`,
      `last lines of the trainer's output:\n${res.tail.map((l) => `  | ${l}`).join('\n')}`,
    );
  }

  const c = exp.config.checkpoint;
  const result = findCheckpoint({
    root: train.output_dir,
    policy: c.policy,
    path: c.path ? resolve(root, c.path) : undefined,
    metric: c.metric,
    mode: c.mode,
    runId: userCommand ? undefined : runId,
    configHash: exp.hashes.train,
    experiment,
    // Only what this run wrote; a full run never takes the smoke run's folder (and vice versa).
    qualifies: before ? (p) => writtenSince(before, p) && (smoke || !inside(p, join(train.output_dir, 'smoke'))) : undefined,
  });
  // A save killed halfway leaves a folder the finder skips: say which, and why.
  for (const c of result.candidates) {
    if (!c.valid && c.path !== result.selected?.path) log(`checkpoint: skipped ${relative(root, c.path)}: ${c.reason}`);
  }
  if (!result.selected && c.policy === 'path') {
    // Retraining would not help: the path in the config is what is wrong.
    const why = result.candidates[0]?.reason ?? result.note ?? 'not found';
    throw new PipelineError(
      `checkpoint.path ${c.path} (in ${exp.file}) is not a usable checkpoint folder: ${why}`,
      `point checkpoint.path at a folder holding config.json and the model weights (or adapter_config.json and adapter weights), relative to the workspace root; or use checkpoint.policy best / latest`,
    );
  }
  if (!result.selected) {
    // The trainer exited 0, so retraining alone would not help: point at where it should have saved.
    const where = userCommand ? 'make train.command save its checkpoints under {run_dir} (or set train.output_dir to where it saves)' : 'check train.output_dir and the trainer output above';
    const older = result.excluded ? ` (${result.excluded} older checkpoint folder(s) under it were not written by this run and do not count)` : '';
    throw new PipelineError(`the trainer exited 0 but left no usable checkpoint${older}. ${formatNoCheckpointError(result, train.output_dir)}`, `${where}; then retrain with: ${nxRunCommand(experiment, 'train', { smoke, extra: '--skip-nx-cache', targets: ctx.targets })}`);
  }
  const manifest = buildManifest(result, { workspaceRoot: root, experiment, policy: c.policy, runId, configHash: exp.hashes.train });
  const manifestPath = join(root, paths.manifest);
  writeManifest(manifestPath, manifest);
  log(`checkpoint: ${manifest.path} (step ${manifest.step ?? '?'}; ${manifest.reason})`);
  return { manifestPath, checkpoint: manifest.path, step: manifest.step, runId };
}

/**
 * The run record of a user's trainer run (docs/architecture.md "Trainer
 * outputs"), written after it ends unless the trainer wrote its own, so
 * later listings and gc know which run the folder is.
 */
function recordUserRun(runDir: string, r: { run_id: string; experiment: string; config_hash: string; started_at: string; exitCode: number | null }): void {
  const path = join(runDir, RUN_RECORD);
  if (existsSync(path)) return;
  writeJsonAtomic(path, {
    run_id: r.run_id,
    experiment: r.experiment,
    config_hash: r.config_hash,
    status: r.exitCode === 0 ? 'completed' : 'failed',
    started_at: r.started_at,
    finished_at: new Date().toISOString(),
    written_by: 'autoexp (train.command)',
  });
}

/**
 * The trainer's run_control section (docs/architecture.md): resume point and
 * interruption behaviour, kept out of `train` and so out of the config hash.
 * A resumed run keeps its own folder, wherever it sits under output_dir.
 */
function withRunControl(resolved: Record<string, unknown>, exp: ResolvedExperiment, resume: ReturnType<typeof planResume>): Record<string, unknown> {
  const train = resolved.train as Record<string, unknown>;
  return {
    ...resolved,
    train: resume ? { ...train, run_dir: resume.runDir } : train,
    run_control: { resume_from_checkpoint: resume?.checkpoint ?? null, save_on_interrupt: exp.config.train.save_on_interrupt, disk_check: true },
  };
}

export function applySmoke(resolved: Record<string, unknown>): Record<string, unknown> {
  const t = resolved.train as Record<string, unknown> & { output_dir: string; run_id?: string };
  const outputDir = join(t.output_dir, 'smoke');
  const runDir = join(outputDir, resolved.run_id as string);
  return {
    ...resolved,
    smoke: true,
    train: {
      ...t,
      output_dir: outputDir,
      run_dir: runDir,
      max_steps: SMOKE.max_steps,
      max_train_samples: SMOKE.max_train_samples,
      max_eval_samples: SMOKE.max_eval_samples,
      eval_strategy: 'steps',
      eval_steps: SMOKE.max_steps,
      save_steps: SMOKE.max_steps,
      logging_steps: 1,
      save_total_limit: 1,
      early_stopping_patience: null,
    },
  };
}
