import type { TargetNameOptions } from '../../core/naming/experiment-names';

export interface TrainExecutorSchema extends TargetNameOptions {
  experiment: string;
  /** This target's small outputs live in runs/<runName>/ (<exp> or <exp>/smoke); set by the plugin. */
  runName?: string;
  /** Smoke run: a few steps on a small slice; separate cache and outputs; marked in the index. */
  smoke?: boolean;
  /** A new run even when an interrupted one could be resumed. */
  fresh?: boolean;
}
