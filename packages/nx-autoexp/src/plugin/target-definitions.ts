import type { TargetConfiguration } from '@nx/devkit';
import { dataPath, workspaceRelative } from '../core/config/data-paths';
import type { ExperimentConfig, ResolvedExperiment } from '../core/config/types';
import { runPaths } from '../core/pipeline/run-paths';
import { sectionStampInput, writeSectionStamps } from '../core/config/section-stamps';
import { shellQuote } from '../core/process/shell-quote';
import { targetNameOptions } from '../core/naming/experiment-names';

export interface AutoexpPluginOptions {
  /** Target names, for workspaces that already use train/infer/submit. */
  trainTargetName?: string;
  inferTargetName?: string;
  submitTargetName?: string;
  /** Nx project holding the Python trainer; its production files are inputs of train and infer. */
  trainerProject?: string;
  /**
   * How targets run a step. 'command' (default): `nx:run-commands` running
   * `autoexp step <step>`, which Nx starts directly. 'executor': the plugin's
   * executors, which Nx runs in a process it forks and loads per task (~1 s
   * each; tools/bench/orchestration) but which show typed options in Nx Console.
   */
  stepRunner?: 'command' | 'executor';
}

export const resolveOptions = (o: AutoexpPluginOptions | undefined): Required<AutoexpPluginOptions> => ({
  trainTargetName: o?.trainTargetName ?? 'train',
  inferTargetName: o?.inferTargetName ?? 'infer',
  submitTargetName: o?.submitTargetName ?? 'submit',
  trainerProject: o?.trainerProject ?? 'trainer',
  stepRunner: o?.stepRunner ?? 'command',
});

/** The CLI the inferred targets run, relative to the workspace root (run-commands' default cwd). */
export const AUTOEXP_BIN = 'node node_modules/@autoexp/nx-autoexp/bin/autoexp.js';

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
export function stepCommand(step: 'train' | 'infer' | 'submit'): string {
  return `exec ${AUTOEXP_BIN} step ${step} --args-stdin <<'${ARGS_HEREDOC}'\n{args}\n${ARGS_HEREDOC}`;
}

/** executor + the part of options that says what runs. */
function stepRunner(step: 'train' | 'infer' | 'submit', runner: 'command' | 'executor'): Pick<TargetConfiguration, 'executor' | 'options'> {
  if (runner === 'executor') return { executor: `@autoexp/nx-autoexp:${step}`, options: {} };
  return { executor: 'nx:run-commands', options: { command: stepCommand(step) } };
}

type Input = NonNullable<TargetConfiguration['inputs']>[number];

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
  if (outside.length) inputs.push({ runtime: `${AUTOEXP_BIN} stamp ${outside.map(shellQuote).join(' ')}` }); // single quotes: sh expands nothing in a path
  return inputs;
}

/**
 * Runtime input of infer: for each manifest, the checkpoint folder it names as
 * `ls -lnL "$p/"` lists it (file names, sizes, mtimes), so a deleted or
 * retrained checkpoint changes the hash. `-L` and the trailing `/` follow
 * symlinks: a checkpoint path that is a link (outputs/store/best), or weight
 * files that are links (the Hugging Face cache layout), are listed by what
 * they point at, not by the link. A shell line rather than `node autoexp.js
 * checkpoint-status`: Nx runs it for every infer task on every run, and a
 * Node start costs ~0.15 s each (2.5 of the 4.7 s of a 20-experiment no-op
 * run, tools/bench/orchestration). GNU ls first, BSD/macOS ls (-T) second.
 */
export function checkpointStatusCommand(manifests: string[], before?: string): string {
  const script = [
    ...(before ? [`${before};`] : []),
    `for m in ${manifests.map(shellQuote).join(' ')}; do`,
    `[ -f "$m" ] || { echo "$m none"; continue; };`,
    `p=$(sed -n 's/^ *"path": *"\\(.*\\)",*$/\\1/p' "$m" | head -n 1);`,
    `echo "$m $p";`,
    `ls -lnL --time-style=+%s.%N "$p/" 2>/dev/null || ls -lnLT "$p/" 2>&1;`,
    'done; true',
  ].join(' ');
  return `sh -c ${shellQuote(script)}`;
}

/**
 * The three targets of one experiment. Each target hashes only the config
 * sections it depends on (section stamps, see core/config/section-stamps.ts),
 * so an inference-only edit re-runs infer and submit while train stays a cache
 * hit. Nothing here may vary with the config beyond what every target should
 * follow (data paths, tags, launcher): Nx hashes the whole project
 * configuration into each task.
 */
export function experimentTargets(root: string, exp: ResolvedExperiment | null, name: string, opts: Required<AutoexpPluginOptions>, invalid?: string): Record<string, TargetConfiguration> {
  const p = runPaths(name);
  const smokeDir = runPaths(name, true).base;
  // `-c smoke`: a few steps on a slice; its own outputs folder, so its own cache entries.
  const configurations = (target: string) => ({ smoke: { smoke: true, runName: smokeDir.replace(/^runs\//, ''), ...(target === 'submit' ? { latest: false } : {}) } });
  const hashes = exp?.hashes ?? { train: `invalid:${invalid}`, infer: `invalid:${invalid}`, submit: `invalid:${invalid}` };
  writeSectionStamps(root, name, hashes);
  const c = exp?.config;
  const trainer: Input = { input: 'production', projects: opts.trainerProject };
  const run = (step: 'train' | 'infer' | 'submit') => {
    const r = stepRunner(step, opts.stepRunner);
    return { ...r, options: { ...r.options, experiment: name, runName: name, smoke: false, ...targetNameOptions({ train: opts.trainTargetName, infer: opts.inferTargetName, submit: opts.submitTargetName }) } };
  };
  return {
    [opts.trainTargetName]: {
      ...run('train'),
      configurations: configurations('train'),
      inputs: [trainer, sectionStampInput(root, name, 'train'), ...(c ? dataInputs(root, c, ['train', 'dev']) : [])],
      outputs: ['{workspaceRoot}/runs/{options.runName}/train'],
      cache: true,
      // Local trainings may run side by side: each takes its devices from the pool at run
      // time (core/launcher/device-lease.ts), and without GPUs the one local training slot,
      // so they still run one at a time. Decided there, not here, because Nx hashes this
      // configuration into every task: nothing machine-dependent (GPUs, AUTOEXP_FAKE_DEVICES) may enter it.
      parallelism: true,
      metadata: {
        description: `Train ${name}: runs the trainer, picks the checkpoint by the configured policy and caches only its manifest (${p.manifest}); weights stay under train.output_dir.`,
        technologies: ['autoexp'],
      },
    },
    [opts.inferTargetName]: {
      ...run('infer'),
      configurations: configurations('infer'),
      dependsOn: [opts.trainTargetName],
      inputs: [
        trainer,
        ...(c ? dataInputs(root, c, ['dev', 'test', 'test_references']) : []),
        { dependentTasksOutputFiles: '**/train/checkpoint.json', transitive: false },
        // A cache hit skips the step, so a deleted or changed checkpoint must change the hash.
        // Only the full run's manifest: the smoke run's must not invalidate the full infer (and vice versa).
        // One shell with the section stamp: Nx spawns each runtime input on every hash of the task.
        { runtime: checkpointStatusCommand([p.manifest], sectionStampInput(root, name, 'infer').runtime) },
      ],
      outputs: ['{workspaceRoot}/runs/{options.runName}/infer'],
      cache: true,
      metadata: {
        description: `Generate summaries for dev and test with the manifest's checkpoint through the ordered strategies; score dev. Output: ${p.inferDir}/predictions/*.csv, dev-score.json, infer-record.json.`,
        technologies: ['autoexp'],
      },
    },
    [opts.submitTargetName]: {
      ...run('submit'),
      configurations: configurations('submit'),
      dependsOn: [opts.inferTargetName],
      inputs: [
        sectionStampInput(root, name, 'submit'),
        ...(c ? dataInputs(root, c, ['sample_submission']) : []),
        { dependentTasksOutputFiles: '**/infer/predictions/*.csv', transitive: false },
        { dependentTasksOutputFiles: '**/infer/dev-score.json', transitive: false },
      ],
      outputs: ['{workspaceRoot}/runs/{options.runName}/submit'],
      cache: true,
      metadata: {
        description: 'Validate test predictions against sample_submission.csv and write prediction/<exp>_<ts>/, latest_output.csv, a history copy and an experiment_index.csv row.',
        technologies: ['autoexp'],
      },
    },
  };
}
