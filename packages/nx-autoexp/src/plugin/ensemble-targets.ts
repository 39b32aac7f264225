import type { TargetConfiguration } from '@nx/devkit';
import type { ResolvedExperiment } from '../core/config/types';
import type { ResolvedEnsemble } from '../core/ensemble/load-ensemble';
import { runPaths } from '../core/pipeline/run-paths';
import type { Input, Step } from './step-inputs';
import { AutoexpPluginOptions, dataInputs, experimentTargets } from './target-definitions';
import { configInput } from './config-nodes';

/**
 * The targets of an ensemble experiment: infer and submit, no train. infer
 * runs after its members' infer targets (same configuration, so `-c smoke`
 * ensembles smoke predictions) and hashes their predictions and dev scores
 * instead of a checkpoint; submit is any experiment's submit.
 */
export function ensembleTargets(root: string, exp: ResolvedExperiment, ensemble: ResolvedEnsemble, opts: Required<AutoexpPluginOptions>, shared: Record<Step, Input[]>): Record<string, TargetConfiguration> {
  const name = exp.name;
  const base = experimentTargets(root, exp, name, opts, shared, exp.hashes);
  const infer = base[opts.inferTargetName];
  const members = ensemble.members.map((m) => m.project);
  return {
    [opts.inferTargetName]: {
      ...infer,
      dependsOn: [{ target: opts.inferTargetName, projects: members }],
      inputs: [
        ...shared.infer,
        configInput(name, 'infer'),
        ...dataInputs(root, exp.config, ['dev', 'test', 'test_references']),
        { dependentTasksOutputFiles: '**/infer/predictions/*.csv', transitive: false },
        { dependentTasksOutputFiles: '**/infer/dev-score.json', transitive: false },
      ],
      metadata: {
        ...infer.metadata,
        description: `Ensemble (${ensemble.method}) of ${members.join(', ')}: per item, the member summary the others agree with most (competition metric); score dev. Output: ${runPaths(name).inferDir}/predictions/*.csv, dev-score.json, infer-record.json.`,
      },
    },
    [opts.submitTargetName]: base[opts.submitTargetName],
  };
}
