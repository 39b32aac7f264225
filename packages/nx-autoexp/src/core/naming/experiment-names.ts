import { join } from 'node:path';

/**
 * The one place that builds the names of an experiment (docs/architecture.md, "Names"):
 *
 * - experiment: the folder name under experiments/ (`demo`); a sweep variant's
 *   is `<experiment>--<variant>` (`kobart--lr1e-5`). This is what "experiment"
 *   means wherever it is stored: runs/<experiment>/, outputs/<experiment>/, the
 *   index's `experiment` column, submission ids (`demo_<ts>`), receipts, the
 *   failure records, the leaderboard and the report.
 * - project: the Nx project, `exp-<experiment>` (`exp-demo`); what `nx run` takes.
 *   Stored only in the index's `project` column and the failure records' `project`;
 *   the log prefix and training locks use it because Nx labels tasks by project.
 * - targets: the plugin's target names (train/infer/submit unless renamed in nx.json).
 *
 * Nothing else writes `exp-` or `--` into a name.
 */

export const PROJECT_PREFIX = 'exp-';
/** Between an experiment and its sweep variant: `exp-kobart--lr1e-5`. */
export const VARIANT_SEPARATOR = '--';

/** Experiment names become Nx project names and path segments: keep them boring. */
export const EXPERIMENT_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/** True when `name` can be an experiment (and so a folder and file-name part): the pattern, and no `..`. */
export const isExperimentName = (name: string): boolean => EXPERIMENT_NAME_PATTERN.test(name) && !name.includes('..');

/** The Nx project of an experiment: `demo` -> `exp-demo`. */
export const projectOf = (experiment: string): string => `${PROJECT_PREFIX}${experiment}`;

/** The experiment of an Nx project (`exp-demo` -> `demo`); null when `project` is no experiment's. */
export const experimentOfProject = (project: string): string | null => (project.startsWith(PROJECT_PREFIX) ? project.slice(PROJECT_PREFIX.length) : null);

/** What a user means by a name typed on the command line: an experiment (`demo`) or its project (`exp-demo`). */
export const experimentOfTyped = (typed: string): string => experimentOfProject(typed) ?? typed;

/** Whether `typed` (an experiment or its project) names `experiment`; an experiment itself named `exp-...` matches as typed too. */
export const namesExperiment = (typed: string, experiment: string): boolean => typed === experiment || experimentOfTyped(typed) === experiment;

/** The experiment name of one sweep variant: `kobart` + `lr1e-5` -> `kobart--lr1e-5`. */
export const variantExperiment = (experiment: string, variant: string): string => `${experiment}${VARIANT_SEPARATOR}${variant}`;

/**
 * The sweep an experiment or project belongs to, in the same form
 * (`exp-kobart--lr1e-5` -> `exp-kobart`, `kobart--lr1e-5` -> `kobart`); null
 * for one that is no sweep's variant.
 */
export function sweepGroupOf(name: string): string | null {
  const i = name.indexOf(VARIANT_SEPARATOR);
  return i > 0 ? name.slice(0, i) : null;
}

/** Nx tag of every variant of the sweep in experiments/<folder>/ (`--projects=tag:sweep:<folder>`, ensemble members). */
export const sweepTagOf = (folder: string): string => `sweep:${folder}`;

/** `kobart--lr1e-5` -> experiment folder `kobart`, variant `lr1e-5`; a plain experiment's variant is null. */
export function splitVariant(name: string): { folder: string; variant: string | null } {
  const i = name.indexOf(VARIANT_SEPARATOR);
  return i > 0 ? { folder: name.slice(0, i), variant: name.slice(i + VARIANT_SEPARATOR.length) } : { folder: name, variant: null };
}

/** runs/<experiment>/ (runs/<experiment>/smoke/ for smoke runs), relative to the workspace root. */
export const runsFolderOf = (experiment: string, smoke = false): string => (smoke ? join('runs', experiment, 'smoke') : join('runs', experiment));

/** The plugin's target names, as configured (plugin options trainTargetName etc.). */
export interface TargetNames {
  train: string;
  infer: string;
  submit: string;
}

export type Step = keyof TargetNames;

export const DEFAULT_TARGET_NAMES: Readonly<TargetNames> = Object.freeze({ train: 'train', infer: 'infer', submit: 'submit' });

/**
 * How target names travel from the plugin to the step (target options, so
 * `autoexp step` and the executors both get them). Only renamed targets add
 * the options: a default workspace's task hashes stay what they were.
 */
export interface TargetNameOptions {
  trainTarget?: string;
  inferTarget?: string;
  submitTarget?: string;
}

export function targetNameOptions(t: TargetNames): TargetNameOptions {
  if (t.train === DEFAULT_TARGET_NAMES.train && t.infer === DEFAULT_TARGET_NAMES.infer && t.submit === DEFAULT_TARGET_NAMES.submit) return {};
  return { trainTarget: t.train, inferTarget: t.infer, submitTarget: t.submit };
}

/** The plugin options that rename targets (nx.json `plugins[].options`); see plugin/target-definitions.ts. */
export interface TargetNameSettings {
  trainTargetName?: string;
  inferTargetName?: string;
  submitTargetName?: string;
}

/** The target names the plugin options give, the defaults for those not set. */
export const targetNamesOfSettings = (o: TargetNameSettings | undefined): TargetNames => ({
  train: o?.trainTargetName ?? DEFAULT_TARGET_NAMES.train,
  infer: o?.inferTargetName ?? DEFAULT_TARGET_NAMES.infer,
  submit: o?.submitTargetName ?? DEFAULT_TARGET_NAMES.submit,
});

export const targetNamesOf = (o: TargetNameOptions): TargetNames => ({
  train: o.trainTarget || DEFAULT_TARGET_NAMES.train,
  infer: o.inferTarget || DEFAULT_TARGET_NAMES.infer,
  submit: o.submitTarget || DEFAULT_TARGET_NAMES.submit,
});

/** `exp-demo:train`, with the configured target name. */
export const taskOf = (experiment: string, step: Step, targets: TargetNames = DEFAULT_TARGET_NAMES): string => `${projectOf(experiment)}:${targets[step]}`;

export interface NxRunOptions {
  smoke?: boolean;
  /** Appended as typed, e.g. `--skip-nx-cache`, `--strategy=fast`. */
  extra?: string;
  targets?: TargetNames;
}

/** The nx command that runs a step, keeping the configuration (`-c smoke`) the user ran: `npx nx run exp-demo:train -c smoke`. */
export function nxRunCommand(experiment: string, step: Step, o: NxRunOptions = {}): string {
  return `npx nx run ${taskOf(experiment, step, o.targets)}${o.smoke ? ' -c smoke' : ''}${o.extra ? ` ${o.extra}` : ''}`;
}

/** The nx command that runs every variant of the sweep in experiments/<folder>/. */
export const sweepRunCommand = (folder: string, targets: TargetNames = DEFAULT_TARGET_NAMES): string => `npx nx run-many -t ${targets.submit} --projects=tag:${sweepTagOf(folder)}`;

/** A submission's id, its folder name under prediction/: `demo_20261201T101500Z`. */
export const submissionId = (experiment: string, timestamp: string): string => `${experiment}_${timestamp}`;

/** A name for one step's work outside Nx (SLURM job names, device-lock labels): `exp-demo-train`. */
export const jobNameOf = (experiment: string, step: Step): string => `${projectOf(experiment)}-${step}`;

/** The base name (no extension) of a per-mode file: `exp-demo`, `exp-demo.smoke`. */
export const modeFileStem = (name: string, smoke: boolean): string => `${name}${smoke ? '.smoke' : ''}`;
