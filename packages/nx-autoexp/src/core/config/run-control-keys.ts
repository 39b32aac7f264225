/**
 * train keys that say how a run is run, not what it computes: out of the
 * train hash (flipping resume must not retrain, and a resumed run keeps its
 * config hash) and out of the trainer's train section (they reach it as
 * run_control).
 */
export const RUN_CONTROL_KEYS = ['resume', 'save_on_interrupt', 'interrupt_grace_s'];

export function trainComputeKeys(train: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(train).filter(([k]) => !RUN_CONTROL_KEYS.includes(k)));
}
