import type { TargetNameOptions } from '../../core/naming/experiment-names';

export interface SubmitExecutorSchema extends TargetNameOptions {
  experiment: string;
  /** This target's small outputs live in runs/<runName>/ (<exp> or <exp>/smoke); set by the plugin. */
  runName?: string;
  /** Smoke run: a few steps on a small slice; separate cache and outputs; marked in the index. */
  smoke?: boolean;
  /** Smoke only: also update prediction/latest_output.csv. */
  latest?: boolean;
}
