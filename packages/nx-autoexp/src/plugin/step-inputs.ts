import type { NxJsonConfiguration, TargetConfiguration } from '@nx/devkit';
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';

export type Input = NonNullable<TargetConfiguration['inputs']>[number];
export type Step = 'train' | 'infer' | 'submit';

/** This package's folder (src/plugin or dist/plugin, two levels down). */
export const PACKAGE_ROOT = join(__dirname, '..', '..');
export const PACKAGE_NAME: string = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')).name;

/**
 * Named inputs the workspace defines in nx.json (docs/architecture.md "What
 * re-runs what"): which trainer files shape a training or a prediction, and
 * which of this package's files shape infer's and submit's outputs. The
 * trainer's are evaluated in the trainer project, the others in this package's
 * project. A workspace without them gets the trainer's `production` files.
 */
export const NAMED_INPUTS = {
  trainerTraining: 'trainerTraining',
  trainerPrediction: 'trainerPrediction',
  inferenceCode: 'inferenceCode',
  submissionCode: 'submissionCode',
} as const;

/**
 * npm packages each step's process loads (`autoexp step <step>`: the CLI,
 * the step module, an ensemble's infer step, and what they import). plugin.spec.ts derives them from
 * the sources, so a new import cannot be missed here.
 */
export const STEP_PACKAGES: Record<Step, string[]> = {
  train: ['ajv', 'execa', 'proper-lockfile', 'pure-rand', 'shlex', 'yaml'],
  infer: ['ajv', 'csv-parse', 'csv-stringify', 'execa', 'proper-lockfile', 'pure-rand', 'shlex', 'yaml'],
  submit: ['ajv', 'csv-parse', 'csv-stringify', 'proper-lockfile', 'pure-rand', 'shlex', 'yaml'],
};

/** Node's lookup: the nearest node_modules/<pkg> from `from` upwards. */
function packageDir(pkg: string, from: string): string | null {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', pkg);
    if (existsSync(join(candidate, 'package.json'))) return realpathSync(candidate);
    if (dirname(dir) === dir) return null;
  }
}

/**
 * The Nx external node of the copy of `pkg` this package loads. Nx resolves
 * a bare name to the hoisted copy (node_modules/<pkg>); a workspace package
 * with its own nested version (packages/nx-autoexp/node_modules/yaml) is the
 * node `npm:<pkg>@<version>`, so the bare name would hash another version.
 */
export function externalNodeName(workspaceRoot: string, pkg: string): string {
  const used = packageDir(pkg, realpathSync(PACKAGE_ROOT));
  if (!used) return pkg;
  const hoisted = packageDir(pkg, workspaceRoot);
  if (hoisted === used) return pkg;
  return `npm:${pkg}@${JSON.parse(readFileSync(join(used, 'package.json'), 'utf8')).version}`;
}

/**
 * The inputs every experiment's targets share beyond their own config and
 * data, computed once per createNodes call. Python packages are not npm
 * nodes: the trainer's named inputs hold its pyproject.toml and the
 * constraints file the venv is built from.
 */
export function stepInputs(workspaceRoot: string, nxJson: NxJsonConfiguration | undefined, trainerProject: string): Record<Step, Input[]> {
  const defined = (name: string) => Boolean(nxJson?.namedInputs?.[name]);
  const trainer = (name: string): Input => ({ input: defined(name) ? name : 'production', projects: trainerProject });
  // This package's own code. A workspace holding its sources (this repository) names them in nx.json;
  // one that installs it from a registry does not, and the package's version in the lockfile is the code.
  const own = (name: string): Input[] => (defined(name) ? [{ input: name, projects: PACKAGE_NAME }] : []);
  const installed = !defined(NAMED_INPUTS.submissionCode);
  const externals = (step: Step): Input => ({
    externalDependencies: [...(installed ? [PACKAGE_NAME] : []), ...STEP_PACKAGES[step].map((p) => externalNodeName(workspaceRoot, p))],
  });
  return {
    train: [trainer(NAMED_INPUTS.trainerTraining), externals('train')],
    infer: [trainer(NAMED_INPUTS.trainerPrediction), ...own(NAMED_INPUTS.inferenceCode), externals('infer')],
    submit: [...own(NAMED_INPUTS.submissionCode), externals('submit')],
  };
}
