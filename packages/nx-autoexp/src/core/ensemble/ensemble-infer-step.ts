import { existsSync } from 'node:fs';
import { jsonObjectOrNull } from '../fs/read-json';
import { join } from 'node:path';
import { dataPath } from '../config/data-paths';
import type { ResolvedExperiment } from '../config/types';
import { writeJsonAtomic } from '../fs/atomic-write';
import { checkAndScorePredictions, fmt, requireFile, writeDevSlice } from '../pipeline/infer-step';
import { PipelineError } from '../pipeline/pipeline-error';
import { resolvePython, trainerEnv } from '../pipeline/python';
import { runPaths } from '../pipeline/run-paths';
import type { StepContext } from '../pipeline/train-step';
import { describeExit } from '../pipeline/trainer-exit-codes';
import { runProcess } from '../process/run-process';
import { metricArgs } from '../report/score-items';
import { TargetNames, nxRunCommand } from '../naming/experiment-names';
import { resolveEnsemble } from './load-ensemble';
import type { ResolvedMember } from './resolve-members';
import type { RougeScores } from '../scores/rouge-scores';

const SPLITS = ['dev', 'test'] as const;
type Split = (typeof SPLITS)[number];


/** Each member's prediction files; every missing one is named with the command that makes it. */
function memberPredictions(root: string, members: ResolvedMember[], smoke: boolean, targets?: TargetNames): Record<Split, string>[] {
  const missing: string[] = [];
  const files = members.map((m) => {
    const p = runPaths(m.experiment, smoke);
    const f = { dev: p.devPredictions, test: p.testPredictions };
    for (const split of SPLITS) if (!existsSync(join(root, f[split]))) missing.push(`${m.project}: no ${split} predictions at ${f[split]} (make them with: ${nxRunCommand(m.experiment, 'infer', { smoke, targets })})`);
    return f;
  });
  if (missing.length) {
    throw new PipelineError(`ensemble members without predictions:\n  ${missing.join('\n  ')}`, 'run the members\' infer first (npx nx run <ensemble>:infer runs them as dependencies unless told not to)');
  }
  return files;
}

/**
 * infer of an ensemble experiment: the members' dev and test predictions
 * through the trainer's consensus selection (`python -m autoexp_trainer
 * ensemble`, the competition's tokenizer), then the same checks, dev score and
 * baselines as any experiment's infer. The record lists the members, their
 * dev scores and how often each was picked.
 */
export async function ensembleInferStep(ctx: StepContext, exp: ResolvedExperiment): Promise<{ strategyUsed: string; devScore: unknown }> {
  const { workspaceRoot: root, experiment, log } = ctx;
  const smoke = !!ctx.smoke;
  const ensemble = resolveEnsemble(root, exp);
  const paths = runPaths(experiment, smoke);
  const files = memberPredictions(root, ensemble.members, smoke, ctx.targets);
  const fullDev = requireFile(dataPath(root, exp.config, 'dev'), 'dev file', experiment);
  // The members' smoke predictions cover the same first rows of dev.
  const dev = smoke ? writeDevSlice(fullDev, join(root, paths.devSlice)) : fullDev;
  const test = requireFile(dataPath(root, exp.config, 'test'), 'test file', experiment);
  const python = resolvePython(root, ctx.env);
  log(`infer: ${ensemble.method} of ${ensemble.members.length} members: ${ensemble.members.map((m) => m.project).join(', ')}`);

  const picks: Record<Split, Record<string, number>> = { dev: {}, test: {} };
  for (const split of SPLITS) {
    const output = join(root, split === 'dev' ? paths.devPredictions : paths.testPredictions);
    const args = [
      '-m', 'autoexp_trainer', 'ensemble',
      ...ensemble.members.flatMap((m, i) => ['--member', `${m.project}=${join(root, files[i][split])}`]),
      '--output', output,
      '--choices', join(root, paths.inferDir, `${split}-choices.csv`),
      ...metricArgs(exp.config.metric),
      '--json',
    ];
    let out = '';
    const res = await runProcess(python, args, { cwd: root, env: trainerEnv(ctx.env ?? process.env), signal: ctx.signal, onStdoutLine: (l) => (out += l + '\n') });
    if (res.exitCode !== 0) {
      throw new PipelineError(`the ${ensemble.method} selection of the ${split} predictions failed (${describeExit(res.exitCode, res.signal)})`, `run it alone: ${python} ${args.join(' ')}`, res.stderrTail.join('\n'));
    }
    try {
      picks[split] = (JSON.parse(out.trim().split('\n').pop() ?? '') as { picks: Record<string, number> }).picks;
    } catch {
      throw new PipelineError(`the ensemble command printed no JSON: ${out.slice(0, 500)}`);
    }
    log(`infer: ${split}: picks per member: ${Object.entries(picks[split]).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  }

  const { devScore, degenerate } = await checkAndScorePredictions(ctx, exp, python, dev, test);
  const members = ensemble.members.map((m, i) => {
    const score = jsonObjectOrNull(join(root, runPaths(m.experiment, smoke).devScore)) as { score?: unknown } | null;
    return { project: m.project, experiment: m.experiment, dev_score: typeof score?.score === 'number' ? score.score : null, picks: { dev: picks.dev[m.project] ?? 0, test: picks.test[m.project] ?? 0 }, predictions: files[i] };
  });
  const scored = members.map((m) => m.dev_score).filter((v): v is number => v !== null);
  const s = devScore as Partial<RougeScores>;
  // Shaped like a model's infer record (strategy_used, dev_score), so submit, the index and the leaderboard read it unchanged.
  writeJsonAtomic(join(root, paths.inferRecord), {
    experiment,
    ensemble: { method: ensemble.method, members },
    attempts: [],
    strategy_used: ensemble.method,
    dev_score: devScore,
    config_hash: exp.hashes.infer,
    smoke,
    degenerate,
  });
  const mean = scored.length ? scored.reduce((a, b) => a + b, 0) / scored.length : undefined;
  log(`infer: done with '${ensemble.method}'; dev score ${fmt(s.score)} (R1 ${fmt(s.rouge1)}, R2 ${fmt(s.rouge2)}, RL ${fmt(s.rougeL)}); members' mean ${fmt(mean)}, best ${fmt(scored.length ? Math.max(...scored) : undefined)}`);
  return { strategyUsed: ensemble.method, devScore };
}
