import type { TargetConfiguration } from '@nx/devkit';
import { dataPath, workspaceRelative } from '../core/config/data-paths';
import type { ExperimentConfig, ResolvedExperiment } from '../core/config/types';
import { runPaths } from '../core/pipeline/run-paths';
import { isUserCheckpointFolder } from '../core/checkpoints/user-folder';
import { shellQuote } from '../core/process/shell-quote';
import { TargetNameSettings, targetNameOptions, targetNamesOfSettings } from '../core/naming/experiment-names';
import { Section, configInput } from './config-nodes';
import { Input, Step } from './step-inputs';
import { stepHelp } from './step-help';

/** trainTargetName, inferTargetName, submitTargetName: for workspaces that already use train/infer/submit. */
export interface AutoexpPluginOptions extends TargetNameSettings {
  /**
   * Nx project holding the Python trainer: its nx.json named inputs trainerTraining /
   * trainerPrediction (else its production files) are inputs of train / infer.
   */
  trainerProject?: string;
  /**
   * How targets run a step. 'command' (default): `nx:run-commands` running
   * `autoexp step <step>`, which Nx starts directly. 'executor': the plugin's
   * executors, which Nx runs in a process it forks and loads per task (~1 s
   * each; tools/bench/orchestration) but which show typed options in Nx Console.
   */
  stepRunner?: 'command' | 'executor';
}

export function resolveOptions(o: AutoexpPluginOptions | undefined): Required<AutoexpPluginOptions> {
  const t = targetNamesOfSettings(o);
  return { trainTargetName: t.train, inferTargetName: t.infer, submitTargetName: t.submit, trainerProject: o?.trainerProject ?? 'trainer', stepRunner: o?.stepRunner ?? 'command' };
}

/**
 * The package's bins, relative to the workspace root (where Nx runs runtime
 * inputs). Targets say plain `autoexp`: run-commands puts node_modules/.bin
 * on PATH, runtime inputs get no such PATH.
 */
export const AUTOEXP_BIN = 'node_modules/.bin/autoexp';
export const HASH_INPUT_BIN = 'node_modules/.bin/autoexp-hash-input';

/** Ends the quoted here-document that carries the forwarded options (see stepCommand). */
export const ARGS_HEREDOC = 'AUTOEXP_NX_ARGS';

/**
 * The command line of an inferred target. run-commands forwards every other
 * option (experiment, runName, smoke, overrides such as --strategy) as
 * --key=value, wrapped in double quotes or passed raw when they look quoted
 * already (nx's wrapArgIntoQuotesIfNeeded), and sh runs the result: a typed
 * `--strategy=$(...)` would execute. So `{args}` goes into a here-document
 * with a quoted delimiter, which sh never expands, and `autoexp step
 * --args-stdin` splits it (POSIX quoting, no expansion). `exec` replaces sh
 * with the step before sh reads past the here-document, so even a value
 * that ends it early cannot run anything after it.
 */
export function stepCommand(step: Step): string {
  return `exec autoexp step ${step} --args-stdin <<'${ARGS_HEREDOC}'\n{args}\n${ARGS_HEREDOC}`;
}

/** executor + the part of options that says what runs. */
function stepRunner(step: Step, runner: 'command' | 'executor'): Pick<TargetConfiguration, 'executor' | 'options'> {
  if (runner === 'executor') return { executor: `@autoexp/nx-autoexp:${step}`, options: {} };
  return { executor: 'nx:run-commands', options: { command: stepCommand(step) } };
}

/**
 * infer's runtime input under `checkpoint.policy: path`: the manifest and the
 * checkpoint folder it names, as they are on disk when Nx hashes
 * (bin/hash-input.sh).
 */
export function checkpointInputCommand(manifest: string): string {
  return ['sh', HASH_INPUT_BIN, shellQuote(manifest)].join(' ');
}

/**
 * What infer hashes of the checkpoint beyond the manifest (which it hashes as
 * train's output). A `path` checkpoint is a folder the user manages: a symlink
 * they repoint or weights they replace change the predictions while train
 * stays a cache hit, and only a command run at hash time sees that. A `best`
 * or `latest` checkpoint is in a run folder train made and no later run
 * writes into (a resumed run has no manifest yet): the manifest names it
 * exactly, so it needs no process per hash. If it is deleted, predictions made
 * from it stay valid (a cache hit); an infer that must run says to retrain.
 */
export function checkpointInputs(c: ExperimentConfig | undefined, manifest: string): Input[] {
  return c && isUserCheckpointFolder(c) ? [{ runtime: checkpointInputCommand(manifest) }] : [];
}

/**
 * Characters Nx reads as glob syntax in a file input: `test (1).csv` or
 * `train[1].csv` as an input matches nothing (escaping does not help for
 * parentheses), so such a file would never be hashed.
 */
const GLOB_SPECIAL = /[*?[\]{}()!\\]/;

/**
 * Nx hashes files inside the workspace by their content; data elsewhere, and
 * files whose names Nx would read as globs, are stamped (size, mtime) by a
 * runtime input instead.
 */
export function dataInputs(root: string, c: ExperimentConfig, files: Parameters<typeof dataPath>[2][]): Input[] {
  const inside: string[] = [];
  const outside: string[] = [];
  for (const f of files) {
    const abs = dataPath(root, c, f);
    if (!abs) continue;
    const rel = workspaceRelative(root, abs);
    if (rel && !GLOB_SPECIAL.test(rel)) inside.push(`{workspaceRoot}/${rel}`);
    else outside.push(abs);
  }
  const inputs: Input[] = [...inside];
  if (outside.length) inputs.push({ runtime: `node ${AUTOEXP_BIN} stamp ${outside.map(shellQuote).join(' ')}` }); // single quotes: sh expands nothing in a path
  return inputs;
}

/**
 * The three targets of one experiment. Each target hashes only the config
 * section it depends on (an external node, see ./config-nodes.ts), so an
 * inference-only edit re-runs infer and submit while train stays a cache hit,
 * and only the code and packages its step uses (`shared`, ./step-inputs.ts).
 * No executor, option, output or configuration here may vary with the config
 * beyond what every target should follow (data paths, tags, launcher): Nx
 * hashes those of all a project's targets into each of its tasks. No side
 * effects: the caller adds the config nodes. Each target's metadata shows its
 * section's hash (`configHash`): Nx hashes neither metadata nor inputs into
 * tasks, but the daemon takes new external nodes only from a graph whose
 * project configurations changed, so the hash must appear there too.
 */
export function experimentTargets(root: string, exp: ResolvedExperiment | null, name: string, opts: Required<AutoexpPluginOptions>, shared: Record<Step, Input[]>, hashes: Record<Section, string>): Record<string, TargetConfiguration> {
  const p = runPaths(name);
  const smokeDir = runPaths(name, true).base;
  // `-c smoke`: a few steps on a slice; its own outputs folder, so its own cache entries.
  const configurations = (target: string) => ({ smoke: { smoke: true, runName: smokeDir.replace(/^runs\//, ''), ...(target === 'submit' ? { latest: false } : {}) } });
  const c = exp?.config;
  const run = (step: Step) => {
    const r = stepRunner(step, opts.stepRunner);
    return { ...r, options: { ...r.options, experiment: name, runName: name, smoke: false, ...targetNameOptions({ train: opts.trainTargetName, infer: opts.inferTargetName, submit: opts.submitTargetName }) } };
  };
  const metadata = (step: Step, description: string) => ({ description, technologies: ['autoexp'], help: stepHelp(step), configHash: hashes[step] });
  return {
    [opts.trainTargetName]: {
      ...run('train'),
      configurations: configurations('train'),
      inputs: [...shared.train, configInput(name, 'train'), ...(c ? dataInputs(root, c, ['train', 'dev']) : [])],
      outputs: ['{workspaceRoot}/runs/{options.runName}/train'],
      cache: true,
      // Local trainings may run side by side: each takes its devices from the pool at run
      // time (core/launcher/device-lease.ts), and without GPUs the one local training slot,
      // so they still run one at a time. Decided there, not here, because Nx hashes this
      // configuration into every task: nothing machine-dependent (GPUs, AUTOEXP_FAKE_DEVICES) may enter it.
      parallelism: true,
      metadata: metadata('train', `Train ${name}: runs the trainer, picks the checkpoint by the configured policy and caches only its manifest (${p.manifest}); weights stay under train.output_dir.`),
    },
    [opts.inferTargetName]: {
      ...run('infer'),
      configurations: configurations('infer'),
      dependsOn: [opts.trainTargetName],
      inputs: [
        ...shared.infer,
        configInput(name, 'infer'),
        ...(c ? dataInputs(root, c, ['dev', 'test', 'test_references']) : []),
        { dependentTasksOutputFiles: '**/train/checkpoint.json', transitive: false },
        // Only the full run's manifest: the smoke run's must not invalidate the full infer (and vice versa).
        ...checkpointInputs(c, p.manifest),
      ],
      outputs: ['{workspaceRoot}/runs/{options.runName}/infer'],
      cache: true,
      metadata: metadata('infer', `Generate summaries for dev and test with the manifest's checkpoint through the ordered strategies; score dev. Output: ${p.inferDir}/predictions/*.csv, dev-score.json, infer-record.json.`),
    },
    [opts.submitTargetName]: {
      ...run('submit'),
      configurations: configurations('submit'),
      dependsOn: [opts.inferTargetName],
      inputs: [
        ...shared.submit,
        configInput(name, 'submit'),
        ...(c ? dataInputs(root, c, ['sample_submission']) : []),
        { dependentTasksOutputFiles: '**/infer/predictions/*.csv', transitive: false },
        { dependentTasksOutputFiles: '**/infer/dev-score.json', transitive: false },
      ],
      outputs: ['{workspaceRoot}/runs/{options.runName}/submit'],
      cache: true,
      metadata: metadata('submit', 'Validate test predictions against sample_submission.csv and write prediction/<exp>_<ts>/, latest_output.csv, a history copy and an experiment_index.csv row.'),
    },
  };
}
