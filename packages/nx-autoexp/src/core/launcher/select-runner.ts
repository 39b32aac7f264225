/**
 * The one switch between launchers, so each pipeline step asks for "a runner
 * for this experiment" instead of testing `launcher` itself.
 */
import type { ExperimentConfig } from '../config/types';
import { ProcessRunner, runProcess } from '../process/run-process';
import { SlurmRunnerOptions, createSlurmRunner } from './slurm-runner';

/** runProcess for `launcher: local`; a slurm runner (job files in `slurm.jobDir`) for `launcher: slurm`. */
export function selectRunner(config: Pick<ExperimentConfig, 'launcher' | 'slurm'>, slurm: SlurmRunnerOptions): ProcessRunner {
  return config.launcher === 'slurm' ? createSlurmRunner(config.slurm, slurm) : runProcess;
}
