/** A tracker run (train.report_to: wandb, mlflow, tensorboard) as the trainer records it in autoexp_run.json `trackers`. */
export interface TrackerRun {
  name: string;
  run_id: string | null;
  url: string | null;
  /** Tracker-specific extras (wandb `project`, mlflow `experiment_id`), kept for the metadata. */
  [extra: string]: unknown;
}

const text = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v.trim() : null);

/** The well-formed entries of a run record's `trackers`; a custom train command may omit it or write anything. */
export function parseTrackers(value: unknown): TrackerRun[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((t: unknown) => {
    if (!t || typeof t !== 'object' || Array.isArray(t)) return [];
    const entry = t as Record<string, unknown>;
    const name = text(entry.name);
    return name ? [{ ...entry, name, run_id: text(entry.run_id), url: text(entry.url) }] : [];
  });
}

/** The index `tracker` cell: `wandb:abc123 https://wandb.ai/...; tensorboard:runs/x` ('' when none). */
export function formatTrackers(trackers: TrackerRun[] | undefined): string {
  // One line per index row, whatever a tracker put in its id.
  const oneLine = (v: string) => v.replace(/\s+/g, ' ');
  return (trackers ?? [])
    .map((t) => oneLine([t.run_id ? `${t.name}:${t.run_id}` : t.name, t.url].filter(Boolean).join(' ')))
    .join('; ');
}
