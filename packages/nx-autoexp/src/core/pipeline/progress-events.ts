/** Renders the trainer's JSON-lines events (docs/architecture.md) as one readable line each. */
export interface TrainerEvent {
  event: string;
  [k: string]: unknown;
}

export function parseTrainerEvent(line: string): TrainerEvent | null {
  if (!line.startsWith('{')) return null;
  try {
    const v = JSON.parse(line);
    return v && typeof v === 'object' && typeof v.event === 'string' ? (v as TrainerEvent) : null;
  } catch {
    return null;
  }
}

const num = (v: unknown, digits = 4) => (typeof v === 'number' ? Number(v.toFixed(digits)).toString() : '?');
const eta = (s: unknown) => (typeof s === 'number' && isFinite(s) ? (s >= 90 ? `${Math.round(s / 60)}m` : `${Math.round(s)}s`) : '?');

export function formatTrainerEvent(e: TrainerEvent): string | null {
  switch (e.event) {
    case 'start':
      return `train started: run ${e.run_id}, ${e.max_steps ?? '?'} steps on ${e.device ?? '?'}`;
    case 'log':
      return `step ${e.step}/${e.max_steps ?? '?'}  loss ${num(e.loss)}  lr ${num(e.learning_rate, 7)}  ETA ${eta(e.eta_s)}`;
    case 'eval':
      return `eval at step ${e.step}: score ${num(typeof e.eval_score === 'number' ? e.eval_score * 100 : e.eval_score, 2)} (R1 ${num(typeof e.eval_rouge1 === 'number' ? e.eval_rouge1 * 100 : undefined, 2)}, R2 ${num(typeof e.eval_rouge2 === 'number' ? e.eval_rouge2 * 100 : undefined, 2)}, RL ${num(typeof e.eval_rougeL === 'number' ? e.eval_rougeL * 100 : undefined, 2)})`;
    case 'done':
      return `train done: best checkpoint ${e.best_checkpoint ?? '(none recorded)'}`;
    default:
      return null;
  }
}
