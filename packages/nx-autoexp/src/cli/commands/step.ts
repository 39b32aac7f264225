import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { split as splitShellWords } from 'shlex';
import { targetNamesOf } from '../../core/naming/experiment-names';
import { runPipelineStep } from '../../core/pipeline/run-pipeline-step';
import type { StepContext } from '../../core/pipeline/train-step';
import { CliIO, UserError } from '../io';

const STEPS = ['train', 'infer', 'submit'] as const;
type Step = (typeof STEPS)[number];

/** Options only one step takes (the rest are common); also what `nx show project` / Nx Console point at (metadata.help). */
const STEP_OPTIONS: Record<Step, string[]> = {
  train: ['  --fresh[=true|false]   start a new run even when an interrupted one could be resumed'],
  infer: ['  --strategy NAME        run only this inference strategy (a name under infer.strategies)'],
  submit: ['  --latest[=true|false]  smoke only: also update prediction/latest_output.csv'],
};
const EXAMPLES: Record<Step, string> = {
  train: 'npx nx run exp-demo:train --fresh        npx nx run exp-demo:train -c smoke',
  infer: 'npx nx run exp-demo:infer --strategy=fast',
  submit: 'npx nx run exp-demo:submit -c smoke --latest',
};

function help(step?: Step): string {
  const steps = step ? [step] : STEPS;
  return [
    `usage: autoexp step ${step ?? 'train|infer|submit'} --experiment NAME [options]`,
    '',
    'Runs one pipeline step of experiments/<NAME>/experiment.yaml in the current',
    `workspace: what the inferred Nx targets run (npx nx run exp-<NAME>:${step ?? '<step>'}),`,
    'so use nx to get caching and the train -> infer -> submit order; options',
    'given to nx run are passed on.',
    '',
    'options:',
    '  --experiment NAME      folder name under experiments/ (required)',
    '  --smoke[=true|false]   smoke run: a few steps on a small slice (nx: -c smoke)',
    '  --runName NAME         set by the plugin (outputs live in runs/<runName>/); checked, not needed',
    '  --trainTarget NAME, --inferTarget NAME, --submitTarget NAME',
    '                         set by the plugin when nx.json renames the targets: the',
    '                         names the hints use (default train, infer, submit)',
    ...steps.flatMap((s) => STEP_OPTIONS[s].map((o) => (step ? o : `${o} (${s})`))),
    '  --args-stdin           also read options from stdin, split by POSIX quoting without',
    '                         any expansion (how the nx targets pass what nx forwards)',
    '',
    `example: ${steps.map((s) => EXAMPLES[s]).join('\n         ')}`,
    '',
    'exit: 0 done, 1 the step failed (the reason is printed and recorded for',
    '`autoexp leaderboard`), 2 bad usage.',
  ].join('\n');
}

const FLAGS = ['smoke', 'latest', 'fresh', 'help'];

/** Nx's run-commands forwards options as --key=value, so flags arrive as --smoke=false; a person types --smoke. */
function flagValue(name: string, v: string | undefined): boolean {
  if (v === undefined || v === 'false') return false;
  if (v === 'true') return true;
  throw new UserError(`--${name} takes true or false, got '${v}'`, 2);
}

function normalize(argv: string[]): string[] {
  return argv.map((a) => (FLAGS.some((f) => a === `--${f}`) ? `${a}=true` : a === '-h' ? '--help=true' : a));
}

// Loaded on use: each step pulls in only its own modules.
const RUNNERS: Record<Step, (ctx: StepContext, o: { strategy?: string; latest: boolean }) => Promise<unknown>> = {
  train: async (ctx) => (await import('../../core/pipeline/train-step')).trainStep(ctx),
  infer: async (ctx, o) => (await import('../../core/pipeline/infer-step')).inferStep(ctx, { strategy: o.strategy }),
  submit: async (ctx, o) => (await import('../../core/pipeline/submit-step')).submitStep(ctx, { latest: o.latest }),
};

/**
 * `--args-stdin`: the inferred targets pass Nx's forwarded options in a quoted
 * here-document (plugin/target-definitions.ts stepCommand), so no shell ever
 * expands them; split them here by POSIX quoting rules, expanding nothing.
 */
function withStdinArgs(argv: string[], readStdin: () => string): string[] {
  if (!argv.includes('--args-stdin')) return argv;
  const text = readStdin();
  let forwarded: string[];
  try {
    forwarded = splitShellWords(text.trim());
  } catch (err) {
    throw new UserError(`cannot split the options nx forwarded (${(err as Error).message}): ${JSON.stringify(text.trim())}. Check the quoting of the options given to nx run.`, 2);
  }
  return [...argv.filter((a) => a !== '--args-stdin'), ...forwarded];
}

export default async function step(argv: string[], io: CliIO, readStdin: () => string = () => readFileSync(0, 'utf8')): Promise<number> {
  const { values, positionals } = parseArgs({
    args: normalize(withStdinArgs(argv, readStdin)),
    allowPositionals: true,
    options: {
      experiment: { type: 'string' },
      runName: { type: 'string' },
      smoke: { type: 'string' },
      strategy: { type: 'string' },
      latest: { type: 'string' },
      fresh: { type: 'string' },
      trainTarget: { type: 'string' },
      inferTarget: { type: 'string' },
      submitTarget: { type: 'string' },
      help: { type: 'string' },
    },
  });
  const name = positionals[0] as Step;
  const known = positionals.length === 1 && STEPS.includes(name);
  if (flagValue('help', values.help)) {
    io.stdout(help(known ? name : undefined));
    return 0;
  }
  if (!known) throw new UserError(`expected one step (train, infer or submit), got ${positionals.join(' ') || 'none'}\n\n${help()}`, 2);
  const experiment = values.experiment;
  if (!experiment) throw new UserError('--experiment NAME is required (the folder under experiments/)', 2);
  const smoke = flagValue('smoke', values.smoke);
  const latest = flagValue('latest', values.latest);
  const fresh = flagValue('fresh', values.fresh);
  if (fresh && name !== 'train') throw new UserError(`--fresh only applies to train, not ${name}`, 2);
  if (values.strategy !== undefined && name !== 'infer') throw new UserError(`--strategy only applies to infer, not ${name}`, 2);
  if (latest && name !== 'submit') throw new UserError(`--latest only applies to submit, not ${name}`, 2);
  // The plugin derives outputs from runName; the step derives its paths from experiment + smoke. They must agree.
  const expected = smoke ? `${experiment}/smoke` : experiment;
  if (values.runName !== undefined && values.runName !== expected) throw new UserError(`--runName ${values.runName} does not match --experiment ${experiment}${smoke ? ' --smoke' : ''} (expected ${expected}); the outputs Nx caches would be the wrong folder`, 2);

  const ok = await runPipelineStep(
    { workspaceRoot: io.cwd, target: name, experiment, smoke, fresh, targets: targetNamesOf(values), out: (t) => io.stdout(t.replace(/\n$/, '')), err: (t) => io.stderr(t.replace(/\n$/, '')) },
    (ctx) => RUNNERS[name](ctx, { strategy: values.strategy, latest }),
  );
  return ok ? 0 : 1;
}
