import { AutoexpError } from '../errors/autoexp-error';

/**
 * What one inference strategy is, its defaults, and the default chain.
 * Defaults mirror `infer` in schema/experiment.schema.json so a strategy
 * built here and one filled by the config loader behave the same.
 */

export type InferDtype = 'auto' | 'fp32' | 'fp16' | 'bf16';
export type InferDevice = 'auto' | 'cpu' | 'cuda';

export interface StrategyConfig {
  name: string;
  /** Seconds before the attempt's whole process tree is killed. Default 3600. */
  timeout_s?: number;
  /**
   * A user command run through `/bin/sh -c`, with placeholders {checkpoint}
   * {input} {output} {batch_size} {num_beams} {max_new_tokens} {device}
   * {dtype} {python}, each substituted shell-quoted. Absent (or null): the
   * built-in `python -m autoexp_trainer predict`.
   */
  command?: string | null;
  batch_size?: number;
  num_beams?: number;
  max_new_tokens?: number;
  /** 0 or absent: off. */
  no_repeat_ngram_size?: number;
  dtype?: InferDtype;
  device?: InferDevice;
}

export const STRATEGY_DEFAULTS = {
  timeout_s: 3600,
  batch_size: 16,
  num_beams: 4,
  max_new_tokens: 100,
  no_repeat_ngram_size: 0,
  dtype: 'auto' as InferDtype,
  device: 'auto' as InferDevice,
};

/** Same rule as the config schema, so a name is safe in file names and CLI flags. */
export const STRATEGY_NAME_PATTERN = /^[A-Za-z0-9_.-]+$/;

const KNOWN_KEYS = [
  'timeout_s',
  'command',
  'batch_size',
  'num_beams',
  'max_new_tokens',
  'no_repeat_ngram_size',
  'dtype',
  'device',
] as const;

/** Keeps only strategy keys with a value, so a whole `infer` section can be passed as `base`. */
function pickStrategyFields(base: Partial<StrategyConfig>): Omit<StrategyConfig, 'name'> {
  const out: Record<string, unknown> = {};
  for (const key of KNOWN_KEYS) {
    const v = (base as Record<string, unknown>)[key];
    if (v !== undefined && v !== null) out[key] = v;
  }
  return out as Omit<StrategyConfig, 'name'>;
}

/**
 * The chain used when a config names no strategies: the configured fast
 * predict, then a conservative retry (a quarter of the batch, fp32) that
 * survives most out-of-memory and half-precision failures.
 */
export function defaultStrategies(base: Partial<StrategyConfig>): StrategyConfig[] {
  const fields = pickStrategyFields(base);
  const bs = fields.batch_size ?? STRATEGY_DEFAULTS.batch_size;
  return [
    { name: 'fast', ...fields },
    { name: 'conservative', ...fields, batch_size: Math.max(1, Math.floor(bs / 4)), dtype: 'fp32' },
  ];
}

/** A strategy list that cannot run; the message says which strategy and how to fix it. */
export class StrategyConfigError extends AutoexpError {
  constructor(message: string) {
    super(message);
  }
}

const isPositiveInt = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v >= 1;

/**
 * Checks what the chain relies on before anything runs (the schema checks
 * most of this too; strategies may also come from code or the CLI).
 */
export function validateStrategies(strategies: StrategyConfig[]): void {
  if (!Array.isArray(strategies) || strategies.length === 0) {
    throw new StrategyConfigError('infer.strategies is empty: name at least one strategy, or leave it out to use the default chain (fast, conservative).');
  }
  const seen = new Set<string>();
  strategies.forEach((s, i) => {
    const where = `infer.strategies[${i}]${s && typeof s.name === 'string' ? ` (${s.name})` : ''}`;
    if (!s || typeof s.name !== 'string' || !STRATEGY_NAME_PATTERN.test(s.name)) {
      throw new StrategyConfigError(`${where}: name must match ${STRATEGY_NAME_PATTERN} (letters, digits, _ . -).`);
    }
    if (seen.has(s.name)) throw new StrategyConfigError(`${where}: duplicate strategy name "${s.name}"; give each strategy its own name.`);
    seen.add(s.name);
    if (s.timeout_s !== undefined && !(typeof s.timeout_s === 'number' && s.timeout_s > 0 && Number.isFinite(s.timeout_s))) {
      throw new StrategyConfigError(`${where}: timeout_s must be a number of seconds > 0 (got ${JSON.stringify(s.timeout_s)}).`);
    }
    for (const key of ['batch_size', 'num_beams', 'max_new_tokens'] as const) {
      if (s[key] !== undefined && !isPositiveInt(s[key])) {
        throw new StrategyConfigError(`${where}: ${key} must be an integer >= 1 (got ${JSON.stringify(s[key])}).`);
      }
    }
    if (s.no_repeat_ngram_size !== undefined && !(Number.isInteger(s.no_repeat_ngram_size) && s.no_repeat_ngram_size >= 0)) {
      throw new StrategyConfigError(`${where}: no_repeat_ngram_size must be an integer >= 0 (got ${JSON.stringify(s.no_repeat_ngram_size)}).`);
    }
    if (s.dtype !== undefined && !['auto', 'fp32', 'fp16', 'bf16'].includes(s.dtype)) {
      throw new StrategyConfigError(`${where}: dtype must be one of auto, fp32, fp16, bf16 (got ${JSON.stringify(s.dtype)}).`);
    }
    if (s.device !== undefined && !['auto', 'cpu', 'cuda'].includes(s.device)) {
      throw new StrategyConfigError(`${where}: device must be one of auto, cpu, cuda (got ${JSON.stringify(s.device)}).`);
    }
    if (s.command !== undefined && s.command !== null && (typeof s.command !== 'string' || s.command.trim() === '')) {
      throw new StrategyConfigError(`${where}: command must be a non-empty string, or left out to use the built-in trainer predict.`);
    }
  });
}

/** The chain narrowed to one strategy (`--strategy=<name>`), or a clear error listing the names there are. */
export function selectStrategy(strategies: StrategyConfig[], name: string): StrategyConfig[] {
  const found = strategies.find((s) => s.name === name);
  if (!found) {
    throw new StrategyConfigError(`no inference strategy named '${name}'\nfix: use one of: ${strategies.map((s) => s.name).join(', ')}`);
  }
  return [found];
}
