import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The parts of HF Trainer's trainer_state.json the finder uses. */
export interface TrainerState {
  global_step: number | null;
  best_model_checkpoint: string | null;
  best_global_step: number | null;
  best_metric: number | null;
  log_history: Array<Record<string, unknown>>;
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** null when the folder has no readable, parseable trainer_state.json (a crash mid-save, or a user's folder). */
export function readTrainerState(dir: string): TrainerState | null {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(join(dir, 'trainer_state.json'), 'utf8'));
  } catch {
    return null;
  }
  if (!raw || typeof raw !== 'object') return null;
  const r = raw as Record<string, unknown>;
  return {
    global_step: num(r.global_step),
    best_model_checkpoint: typeof r.best_model_checkpoint === 'string' && r.best_model_checkpoint ? r.best_model_checkpoint : null,
    best_global_step: num(r.best_global_step),
    best_metric: num(r.best_metric),
    log_history: Array.isArray(r.log_history) ? r.log_history.filter((e): e is Record<string, unknown> => !!e && typeof e === 'object') : [],
  };
}

/**
 * The log_history key to use: the name as given, or `eval_<name>` when only
 * that exists (HF accepts metric_for_best_model without the prefix too).
 */
export function resolveMetricName(requested: string, states: TrainerState[]): string {
  if (requested.startsWith('eval_')) return requested;
  const has = (key: string) => states.some((s) => s.log_history.some((e) => num(e[key]) !== null));
  if (has(requested)) return requested;
  return has(`eval_${requested}`) ? `eval_${requested}` : requested;
}

/**
 * step -> metric value over the given states' log_history. States are applied
 * oldest first so the newest state's record of a step wins.
 */
export function metricByStep(states: TrainerState[], metric: string): Map<number, number> {
  const out = new Map<number, number>();
  const ordered = [...states].sort((a, b) => (a.global_step ?? -1) - (b.global_step ?? -1));
  for (const s of ordered) {
    for (const e of s.log_history) {
      const step = num(e.step);
      const value = num(e[metric]);
      if (step !== null && value !== null) out.set(step, value);
    }
  }
  return out;
}

/** Default direction: losses go down, scores go up. */
export function defaultMode(metric: string): 'max' | 'min' {
  return /loss$/i.test(metric) ? 'min' : 'max';
}
