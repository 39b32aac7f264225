/** Shapes shared by the checkpoint finder, its manifest and the CLI. */

export type Policy = 'best' | 'latest' | 'path';
export type MetricMode = 'max' | 'min';
export type CheckpointKind = 'full' | 'adapter';

/** One folder that could be loaded as a model. */
export interface Candidate {
  /** Absolute path as found (symlinks are followed but the link's path is kept). */
  path: string;
  /** Global step: from the folder name `checkpoint-N`, else from its trainer_state.json, else null. */
  step: number | null;
  kind: CheckpointKind | null;
  valid: boolean;
  /** Why it is valid ("ok: ...") or why not. In `FinderResult.selected` this is why it was chosen. */
  reason: string;
  /** Value of the requested metric at this step in log_history, when there is one. */
  metric: number | null;
  /** false when `validate: 'needed'` never had to look at this folder (valid is then false, reason NOT_CHECKED). */
  checked?: false;
}

/** A run record (`autoexp_run.json`) found under the search root. */
export interface RunInfo {
  runDir: string;
  recordPath: string;
  run_id: string | null;
  experiment: string | null;
  config_hash: string | null;
  status: string | null;
  started_at: string | null;
}

export interface FinderResult {
  /** The chosen candidate (a copy whose `reason` says why it was chosen), or null. */
  selected: Candidate | null;
  /** Every candidate considered, valid or not, ordered by folder then step. */
  candidates: Candidate[];
  /** The run folder the candidates came from, when run records told runs apart. */
  runDir: string | null;
  /** Set when the policy could not be applied as asked and a weaker rule chose. */
  fallback?: string;
  /** Run records found under the root (all of them, not only the chosen run). */
  runs: RunInfo[];
  /** The log_history key the metric values come from (e.g. 'eval_score'). */
  metricName: string;
  /** The run record chosen, when there is one. */
  run: RunInfo | null;
  /** Why nothing could be considered (e.g. no run matches the run id), for error messages. */
  note?: string;
  /** With FindOptions.qualifies: how many folders were found but did not qualify. */
  excluded?: number;
}

export interface FindOptions {
  root: string;
  policy: Policy;
  /** For policy 'path': the folder; relative paths resolve against `root`. */
  path?: string;
  /** log_history key; default 'eval_score'. A name without `eval_` also matches `eval_<name>`. */
  metric?: string;
  /** Default: 'min' for metrics whose name ends in 'loss', else 'max'. */
  mode?: MetricMode;
  runId?: string;
  configHash?: string;
  experiment?: string;
  /** Only runs this accepts are chosen from (e.g. no smoke run for a full one). */
  runFilter?: (run: RunInfo) => boolean;
  /** Deepest level below root a checkpoint folder may sit (default 4: root/a/b/c/checkpoint-N). */
  maxDepth?: number;
  /**
   * 'all' (default): validate every candidate, so listings say why each one is
   * or is not usable. 'needed': validate in the policy's order of preference
   * and stop at the first valid one (the choice is the same; the others are
   * left `checked: false`), for callers that only need the answer.
   */
  validate?: 'all' | 'needed';
  /**
   * Only folders for which this returns true are candidates (for runs that
   * leave no run record: "written by this run", see checkpoint-snapshot.ts).
   * Run records are then not used to choose a run; the others are counted in
   * FinderResult.excluded.
   */
  qualifies?: (path: string) => boolean;
}

export interface ValidationResult {
  valid: boolean;
  kind: CheckpointKind | null;
  reason: string;
}

/** docs/architecture.md "Checkpoint manifest". */
export interface CheckpointManifest {
  version: 1;
  experiment: string;
  /** Relative to the workspace root, '/' separated. */
  path: string;
  step: number | null;
  kind: CheckpointKind;
  policy: Policy;
  reason: string;
  metric: { name: string; value: number } | null;
  fingerprint: string;
  run_id: string | null;
  config_hash: string | null;
}
