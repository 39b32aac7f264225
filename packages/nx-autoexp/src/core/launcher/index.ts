/** Launchers: where train and infer commands run (a slurm cluster; local is runProcess itself). */
export { createSlurmRunner } from './slurm-runner';
export { selectRunner } from './select-runner';
export type { SlurmRunner, SlurmRunnerOptions, SlurmRunResult } from './slurm-runner';
export { buildJobScript, sbatchDirectives, jobEnvironment, shellQuote, JobScriptError, outputFile, errorFile } from './job-script';
export type { JobScriptInput } from './job-script';
export { mapFinalState, describeJobEnd, parseSacct, parseScontrol, parseSqueue, isActiveState, normalizeState } from './slurm-state';
export type { FinalState, MappedOutcome } from './slurm-state';
export { FileTail } from './file-tail';
export { runSlurmCommand } from './slurm-command';
export type { CommandRunner, CommandOutput } from './slurm-command';
