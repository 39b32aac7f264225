import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'csv-parse/sync';
import { dataPath } from '../config/data-paths';
import { loadExperimentCached } from '../config/experiment-cache';
import type { ExperimentConfig, MetricConfig, ResolvedExperiment } from '../config/types';
import { readManifest, verifyManifest } from '../checkpoints';
import { writeJsonAtomic } from '../fs/atomic-write';
import { buildInferRecord, defaultStrategies, formatChainFailure, runStrategyChain, selectStrategy, writeInferRecord } from '../infer';
import type { StrategyConfig } from '../infer';
import { runProcess } from '../process/run-process';
import { metricArgs } from '../report/score-items';
import { leaseRunner, selectRunner } from '../launcher';
import { inferDeviceCount, localDevices } from './local-devices';
import { readCsv, writeCsv } from '../submission';
import { BaselineSet, baselineSetOf } from '../submission/baselines';
import { checkDegenerate, formatFindings, readDialogues, readSummaryLengths } from '../submission/degenerate-check';
import { SMOKE } from './smoke-limits';
import { PipelineError } from './pipeline-error';
import { replacementCheckpoint } from './checkpoint-replacement';
import { resolvePython, trainerEnv } from './python';
import { jobNameOf, nxRunCommand } from '../naming/experiment-names';
import { runPaths } from './run-paths';
import type { StepContext } from './train-step';
import { describeExit } from './trainer-exit-codes';
import type { RougeScores } from '../scores/rouge-scores';

export interface InferOptions {
  /** Run only the strategy with this name (rerun one strategy alone). */
  strategy?: string;
}

export function strategiesOf(c: ExperimentConfig, only?: string): StrategyConfig[] {
  const i = c.infer;
  const base = { batch_size: i.batch_size, num_beams: i.num_beams, max_new_tokens: i.max_new_tokens, no_repeat_ngram_size: i.no_repeat_ngram_size, device: i.device, dtype: i.dtype, timeout_s: i.timeout_s, ...(i.command ? { command: i.command } : {}) };
  const list: StrategyConfig[] = i.strategies ? i.strategies.map((s) => ({ ...base, ...s })) : defaultStrategies(base);
  return only ? selectStrategy(list, only) : list;
}

export function requireFile(path: string | null, what: string, experiment: string): string {
  if (!path || !existsSync(path)) {
    throw new PipelineError(`${what} not found: ${path}`, `check data.dir / data.* in experiments/${experiment}/experiment.yaml`);
  }
  return path;
}

export async function inferStep(ctx: StepContext, opts: InferOptions = {}): Promise<{ strategyUsed: string; devScore: unknown }> {
  const { workspaceRoot: root, experiment, log } = ctx;
  const exp = loadExperimentCached(root, experiment);
  if (exp.config.ensemble) return (await import('../ensemble/ensemble-infer-step')).ensembleInferStep(ctx, exp);
  // With launcher: slurm, each strategy attempt and the scoring run as cluster jobs (job files beside the checkpoints, on the shared filesystem).
  ctx = { ...ctx, runner: ctx.runner ?? selectRunner(exp.config, { jobDir: join(root, exp.outputDir, 'slurm-infer'), jobName: jobNameOf(experiment, 'infer'), log }) };
  const paths = runPaths(experiment, ctx.smoke);
  const nxRun = (step: 'train' | 'infer', extra?: string) => nxRunCommand(experiment, step, { smoke: ctx.smoke, extra, targets: ctx.targets });
  const retrain = nxRun('train', '--skip-nx-cache');
  const manifestPath = join(root, paths.manifest);
  if (!existsSync(manifestPath)) {
    throw new PipelineError(`no checkpoint manifest at ${paths.manifest}: train has not run`, `run: ${nxRun('train')}`);
  }
  let manifest = readManifest(manifestPath);
  // A manifest copied or hand-edited from another experiment would infer with its checkpoint, without a word.
  if (manifest.experiment !== experiment) {
    throw new PipelineError(`the checkpoint manifest ${paths.manifest} belongs to experiment '${manifest.experiment}', not '${experiment}' (checkpoint ${manifest.path})`, `retrain this experiment with: ${retrain}`);
  }
  const check = verifyManifest(manifest, root);
  if (!check.ok) {
    const later = check.problem === 'missing' ? replacementCheckpoint(root, exp, manifest, !!ctx.smoke) : null;
    if (!later) throw new PipelineError(`the checkpoint recorded by train cannot be used: ${check.message}`, `retrain with: ${retrain} (infer then uses that run's checkpoint)`);
    log(`infer: ${check.message}; using ${later.path} (step ${later.step ?? '?'}) of run ${later.run_id}, a later completed training of the same train config`);
    manifest = later;
  }
  const fullDev = requireFile(dataPath(root, exp.config, 'dev'), 'dev file', experiment);
  const dev = ctx.smoke ? writeDevSlice(fullDev, join(root, paths.devSlice)) : fullDev;
  const test = requireFile(dataPath(root, exp.config, 'test'), 'test file', experiment);
  const python = resolvePython(root, ctx.env);
  const strategies = strategiesOf(exp.config, opts.strategy);
  const checkpoint = resolve(root, manifest.path);
  log(`infer: checkpoint ${manifest.path} (step ${manifest.step ?? '?'}), strategies ${strategies.map((s) => s.name).join(' -> ')}`);

  // Held through the strategies only: scoring needs no GPU.
  const lease = await localDevices(ctx, exp, 'infer', inferDeviceCount(exp.config.infer.gpus, strategies));
  let result: Awaited<ReturnType<typeof runStrategyChain>>;
  try {
    result = await runStrategyChain({
      experiment,
      strategies,
      splits: [
        { name: 'dev', input: dev, output: join(root, paths.devPredictions) },
        { name: 'test', input: test, output: join(root, paths.testPredictions) },
      ],
      python,
      checkpoint,
      cwd: root,
      env: { ...trainerEnv(ctx.env ?? process.env), ...lease.env },
      log,
      signal: ctx.signal,
      runner: leaseRunner(ctx.runner ?? runProcess, lease),
    });
  } finally {
    lease.release();
  }
  if (!result.ok) {
    throw new PipelineError(formatChainFailure(result, { experiment, rerunHint: (name) => nxRun('infer', `--strategy=${name} --skip-nx-cache`) }));
  }

  const { devScore, degenerate } = await checkAndScorePredictions(ctx, exp, python, dev, test);
  const record = buildInferRecord({ experiment, checkpoint: { path: manifest.path, step: manifest.step, fingerprint: manifest.fingerprint }, result, devScore: devScore as never });
  // The config hash lets `autoexp plan` tell whether infer would re-run (not a submit input).
  writeInferRecord(join(root, paths.inferRecord), { ...record, config_hash: exp.hashes.infer, smoke: !!ctx.smoke, degenerate } as typeof record);
  writeJsonAtomic(join(root, paths.inferManifest), manifest);
  const s = devScore as Partial<RougeScores>;
  log(`infer: done with '${result.strategyUsed}'; dev score ${fmt(s.score)} (R1 ${fmt(s.rouge1)}, R2 ${fmt(s.rouge2)}, RL ${fmt(s.rougeL)})`);
  return { strategyUsed: result.strategyUsed as string, devScore };
}

/**
 * What follows generation, for a model's predictions and an ensemble's alike:
 * the degenerate-prediction checks on both splits, the dev score with the
 * trivial baselines beside it, written to dev-score.json.
 */
export async function checkAndScorePredictions(ctx: StepContext, exp: ResolvedExperiment, python: string, dev: string, test: string): Promise<{ devScore: Record<string, unknown>; degenerate: Record<string, string> }> {
  const { workspaceRoot: root, experiment, log } = ctx;
  const paths = runPaths(experiment, ctx.smoke);
  // A smoke run's 4-step model is expected to be degenerate: its findings are warnings only.
  const degenerate = checkPredictions(exp.config, !!ctx.smoke, root, experiment, log, [
    { split: 'dev', predictions: join(root, paths.devPredictions), input: dev },
    { split: 'test', predictions: join(root, paths.testPredictions), input: test },
  ]);

  const devScore = await scoreDev(ctx, python, join(root, paths.devPredictions), dev, exp.config.metric);
  if (typeof devScore.score === 'number') {
    const baselines = await devBaselines(ctx, python, dev, dataPath(root, exp.config, 'train'), exp.config.metric);
    devScore.baselines = baselines;
    const best = baselines.baselines.find((b) => b.name === baselines.best);
    if (best && !(devScore.score > best.score)) {
      log(`warning: the dev score ${fmt(devScore.score)} does not beat the trivial baseline '${best.name}' (${fmt(best.score)}: ${best.description}); usually too few training steps or a learning rate off by 10x`);
    } else if (best) {
      log(`infer: dev score ${fmt(devScore.score)} beats every trivial baseline (best: '${best.name}' ${fmt(best.score)})`);
    }
  }
  writeJsonAtomic(join(root, paths.devScore), devScore);
  return { devScore, degenerate };
}

/**
 * The degenerate-prediction checks on each split's output: refusing findings
 * (90%+ one summary or empty) fail the step unless submit.allow_degenerate;
 * the rest are warnings. Returns the index-style summary per split.
 */
function checkPredictions(
  c: ExperimentConfig,
  smoke: boolean,
  root: string,
  experiment: string,
  log: (line: string) => void,
  splits: { split: string; predictions: string; input: string }[],
): Record<string, string> {
  const trainSummaryLengths = readSummaryLengths(dataPath(root, c, 'train'));
  const out: Record<string, string> = {};
  for (const s of splits) {
    const rows = readCsv(s.predictions).rows.map((r) => ({ fname: r.fname ?? '', summary: r.summary ?? '' }));
    const findings = checkDegenerate({ rows, dialogues: readDialogues(s.input), trainSummaryLengths });
    out[s.split] = formatFindings(findings);
    for (const f of findings) {
      const allowed = c.submit.allow_degenerate || smoke;
      if (f.refuse && !allowed) {
        throw new PipelineError(`${s.split} predictions: ${f.message}`, `fix the training (see the usual causes) and retrain, or set submit.allow_degenerate: true in experiments/${experiment}/experiment.yaml to go on anyway; the predictions are in ${s.predictions}`);
      }
      log(`warning: ${s.split} predictions: ${f.message}${f.refuse ? (smoke ? ' Accepted in a smoke run.' : ' Accepted because of submit.allow_degenerate.') : ''}`);
    }
  }
  return out;
}

export const fmt = (v: number | undefined) => (typeof v === 'number' ? (v * 100).toFixed(2) : '?');

/** Scores dev predictions with the trainer's `score` (the competition metric, morpheme-split Korean). */
async function scoreDev(ctx: StepContext, python: string, predictions: string, references: string, metric: MetricConfig): Promise<Record<string, unknown>> {
  // A dev file without summaries (unlabelled) cannot be scored: record null instead of failing.
  let header: string[] | undefined;
  try {
    header = parse(readFileSync(references, 'utf8').split(/\r?\n/, 1)[0] ?? '', { bom: true })[0] as string[] | undefined;
  } catch (err) {
    // csv-parse's CsvError is no AutoexpError: said plainly here, with the file.
    throw new PipelineError(`dev file ${references}: its header line is not valid CSV (${(err as Error).message})`, 'fix the quoting of the first line of the dev file');
  }
  if (!header || !header.some((h) => /^summary\d*$/.test(h))) return { score: null, reason: 'dev file has no summary column' };
  let out = '';
  const flags = metricArgs(metric);
  const res = await (ctx.runner ?? runProcess)(python, ['-m', 'autoexp_trainer', 'score', '--predictions', predictions, '--references', references, ...flags, '--json'], {
    cwd: ctx.workspaceRoot,
    env: trainerEnv(ctx.env ?? process.env),
    signal: ctx.signal,
    onStdoutLine: (l) => (out += l + '\n'),
  });
  if (res.exitCode !== 0) {
    throw new PipelineError(`scoring dev predictions failed (${describeExit(res.exitCode, res.signal)})`, `run it alone: ${python} -m autoexp_trainer score --predictions ${predictions} --references ${references} ${flags.join(' ')}`, res.stderrTail.join('\n'));
  }
  try {
    return JSON.parse(out.trim().split('\n').pop() ?? '');
  } catch {
    throw new PipelineError(`the score command printed no JSON: ${out.slice(0, 500)}`);
  }
}

/**
 * The trivial baselines of this dev set (constant skeleton, lead-k), from the
 * trainer's `baselines` command; computed once per dev/train bytes and metric
 * (cached in runs/_baselines, outside the experiments' Nx outputs).
 */
async function devBaselines(ctx: StepContext, python: string, dev: string, train: string | null, metric: MetricConfig): Promise<BaselineSet> {
  const args = ['-m', 'autoexp_trainer', 'baselines', '--dev', dev, ...(train && existsSync(train) ? ['--train', train] : []), ...metricArgs(metric), '--cache-dir', join(ctx.workspaceRoot, 'runs', '_baselines'), '--json'];
  let out = '';
  const res = await (ctx.runner ?? runProcess)(python, args, { cwd: ctx.workspaceRoot, env: trainerEnv(ctx.env ?? process.env), signal: ctx.signal, onStdoutLine: (l) => (out += l + '\n') });
  if (res.exitCode !== 0) {
    throw new PipelineError(`computing the trivial baselines of ${dev} failed (${describeExit(res.exitCode, res.signal)})`, `run it alone: ${python} ${args.join(' ')}`, res.stderrTail.join('\n'));
  }
  const set = baselineSetOf(parseLastJson(out));
  if (!set) throw new PipelineError(`the baselines command printed no baseline set: ${out.slice(0, 500)}`);
  return set;
}

const parseLastJson = (out: string): unknown => {
  try {
    return JSON.parse(out.trim().split('\n').pop() ?? '');
  } catch {
    return null;
  }
};

/** The first rows of dev.csv, for a smoke run's quick score. */
export function writeDevSlice(dev: string, out: string): string {
  const t = readCsv(dev);
  writeCsv(out, t.header, t.rows.slice(0, SMOKE.dev_rows).map((r) => t.header.map((h) => r[h] ?? '')));
  return out;
}
