/**
 * Turns a strategy into the exact process to spawn: the built-in trainer
 * predict, or the user's command with placeholders substituted.
 */
import { isAbsolute, resolve } from 'node:path';
import { STRATEGY_DEFAULTS, StrategyConfig, StrategyConfigError } from './strategy-config';
import { shellWord } from '../process/shell-quote';
import { fillShellTemplate } from '../process/shell-template';

export interface StrategyCommandContext {
  /** Python executable that has autoexp_trainer installed. */
  python: string;
  checkpoint: string;
  input: string;
  output: string;
}

export interface StrategyCommand {
  command: string;
  args: string[];
}

export const PLACEHOLDERS = [
  'checkpoint',
  'input',
  'output',
  'batch_size',
  'num_beams',
  'max_new_tokens',
  'device',
  'dtype',
  'python',
] as const;
type Placeholder = (typeof PLACEHOLDERS)[number];


const abs = (p: string) => (isAbsolute(p) ? p : resolve(p));

function placeholderValues(strategy: StrategyConfig, ctx: StrategyCommandContext): Record<Placeholder, string> {
  return {
    checkpoint: abs(ctx.checkpoint),
    input: abs(ctx.input),
    output: abs(ctx.output),
    batch_size: String(strategy.batch_size ?? STRATEGY_DEFAULTS.batch_size),
    num_beams: String(strategy.num_beams ?? STRATEGY_DEFAULTS.num_beams),
    max_new_tokens: String(strategy.max_new_tokens ?? STRATEGY_DEFAULTS.max_new_tokens),
    device: strategy.device ?? STRATEGY_DEFAULTS.device,
    dtype: strategy.dtype ?? STRATEGY_DEFAULTS.dtype,
    python: ctx.python,
  };
}

/**
 * Substitutes every known placeholder, quoted for the shell even inside the
 * user's own quotes (core/process/shell-template.ts). Unknown `{word}`s
 * (awk '{print}') and `${VAR}` are shell text and stay as they are.
 * Throws when {output} is missing: every attempt would fail with a less
 * helpful "no output written".
 */
export function substituteCommand(strategy: StrategyConfig, template: string, ctx: StrategyCommandContext): string {
  const { text, used } = fillShellTemplate(template, placeholderValues(strategy, ctx));
  if (!used.has('output')) {
    throw new StrategyConfigError(
      `strategy "${strategy.name}" command has no {output} placeholder: the command must write its predictions (CSV with fname,summary) to {output}.`,
    );
  }
  return text;
}

/** The process to spawn for one attempt of `strategy` on one split. */
export function buildStrategyCommand(strategy: StrategyConfig, ctx: StrategyCommandContext): StrategyCommand {
  if (strategy.command !== undefined && strategy.command !== null) {
    return { command: '/bin/sh', args: ['-c', substituteCommand(strategy, strategy.command, ctx)] };
  }
  const v = placeholderValues(strategy, ctx);
  const args = [
    '-m',
    'autoexp_trainer',
    'predict',
    '--checkpoint',
    v.checkpoint,
    '--input',
    v.input,
    '--output',
    v.output,
    '--batch-size',
    v.batch_size,
    '--num-beams',
    v.num_beams,
    '--max-new-tokens',
    v.max_new_tokens,
  ];
  const ngram = strategy.no_repeat_ngram_size ?? STRATEGY_DEFAULTS.no_repeat_ngram_size;
  if (ngram > 0) args.push('--no-repeat-ngram-size', String(ngram));
  args.push('--device', v.device, '--dtype', v.dtype);
  return { command: ctx.python, args };
}

/** One line a person can paste into a shell to run the same attempt. */
export function formatCommandLine(cmd: StrategyCommand): string {
  return [cmd.command, ...cmd.args].map(shellWord).join(' ');
}
