import { resolveEnsemble } from '../ensemble/load-ensemble';
import { join, resolve } from 'node:path';
import { dataPath } from '../config/data-paths';
import { loadExperiment } from '../config/load-experiment';
import { buildStrategyCommand, formatCommandLine } from '../infer';
import { strategiesOf } from '../pipeline/infer-step';
import { runPaths } from '../pipeline/run-paths';
import { submissionId } from '../naming/experiment-names';
import { Forecast, forecast } from './cache-forecast';
import { SourcedValue, valueSources } from './value-sources';
import { markSweptValues } from './sweep-plan';

export interface Plan {
  experiment: string;
  project: string;
  sources: string[];
  values: SourcedValue[];
  commands: { target: string; command: string }[];
  forecast: Forecast[];
}

/** Everything `nx run exp-<name>:submit` would do, without running anything. */
export function planExperiment(root: string, experiment: string, opts: { python?: string; smoke?: boolean } = {}): Plan {
  const exp = loadExperiment(root, experiment);
  const p = runPaths(experiment, opts.smoke);
  const python = opts.python ?? join(root, '.venv', 'bin', 'python');
  const c = exp.config;
  const train = c.train.command
    ? `/bin/sh -c ${JSON.stringify(c.train.command)}  (placeholders filled at run time)`
    : `${python} -m autoexp_trainer train --config ${p.resolvedConfig}`;
  const manifestCheckpoint = `<checkpoint from ${p.manifest}>`;
  const commands = c.ensemble ? [] : [{ target: 'train', command: `${train}\nthen choose the checkpoint under ${exp.outputDir}/<run_id>/ by policy '${c.checkpoint.policy}' (${c.checkpoint.metric}, ${c.checkpoint.mode})` }];
  // An ensemble: the consensus selection over its members' predictions instead of a model.
  if (c.ensemble) {
    const members = resolveEnsemble(root, exp).members;
    for (const split of ['dev', 'test'] as const) {
      const inputs = members.map((m) => `--member ${m.project}=${join(runPaths(m.experiment, opts.smoke).predictionsDir, `${split}.csv`)}`).join(' ');
      commands.push({ target: 'infer', command: `${python} -m autoexp_trainer ensemble ${inputs} --output ${join(p.predictionsDir, `${split}.csv`)}` });
    }
  }
  for (const s of c.ensemble ? [] : strategiesOf(c)) {
    for (const split of ['dev', 'test'] as const) {
      const cmd = buildStrategyCommand(s, { python, checkpoint: manifestCheckpoint, input: dataPath(root, c, split) ?? split, output: join(p.predictionsDir, `${split}.csv`) });
      commands.push({ target: 'infer', command: `[${s.name}, timeout ${s.timeout_s ?? 3600}s] ${formatCommandLine(cmd)}` });
    }
  }
  commands.push({ target: 'infer', command: `${python} -m autoexp_trainer score --predictions ${p.devPredictions} --references ${dataPath(root, c, 'dev')} --json` });
  commands.push({ target: 'submit', command: `validate ${p.testPredictions} against ${resolve(root, dataPath(root, c, 'sample_submission') ?? '')}, then write prediction/${submissionId(experiment, '<ts>')}/ and an index row` });
  return { experiment, project: exp.project, sources: exp.sources, values: markSweptValues(valueSources(root, exp.config as unknown as Record<string, unknown>, exp.sources), exp), commands, forecast: forecast(root, exp, opts.smoke) };
}

export function formatPlan(plan: Plan): string {
  const lines = [`plan for ${plan.project} (merged from ${plan.sources.join(' <- ')})`, '', 'resolved config (value  <- where it was set):'];
  const width = Math.min(48, Math.max(...plan.values.map((v) => v.key.length)));
  for (const v of plan.values) lines.push(`  ${v.key.padEnd(width)}  ${JSON.stringify(v.value)}  <- ${v.from}`);
  lines.push('', 'commands:');
  for (const c of plan.commands) lines.push(`  ${c.target.padEnd(6)} ${c.command.replace(/\n/g, '\n         ')}`);
  lines.push('', 'cache forecast:');
  for (const f of plan.forecast) lines.push(`  ${f.target.padEnd(6)} ${f.verdict === 'hit' ? 'cache hit' : 'will run '}  ${f.why}`);
  return lines.join('\n');
}
