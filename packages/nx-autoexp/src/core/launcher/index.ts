/** Launchers: where train and infer commands run (a slurm cluster; local is runProcess itself). */
export { createSlurmRunner } from './slurm-runner';
export { selectRunner } from './select-runner';
export type { SlurmRunner, SlurmRunnerOptions, SlurmRunResult } from './slurm-runner';
export { buildJobScript, sbatchDirectives, jobEnvironment, JobScriptError, outputFile, errorFile } from './job-script';
export type { JobScriptInput } from './job-script';
export { mapFinalState, describeJobEnd, parseSacct, parseScontrol, parseSqueue, isActiveState, normalizeState } from './slurm-state';
export type { FinalState, MappedOutcome } from './slurm-state';
export { FileTail } from './file-tail';
export { runSlurmCommand } from './slurm-command';
export type { CommandRunner, CommandOutput } from './slurm-command';
export { resolveDevicePool, visibleDevices } from './device-pool';
export type { DevicePool } from './device-pool';
export { acquireDevices, leaseRunner, LOCAL_TRAINING_SLOT, noLease } from './device-lease';
export type { DeviceLease, DeviceRequest } from './device-lease';
export { torchrunArgs, torchrunWorkerExit } from './torchrun-command';
