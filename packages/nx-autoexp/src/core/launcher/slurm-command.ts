/**
 * Runs one short slurm client command (sbatch, squeue, scontrol, sacct,
 * scancel) and returns its whole output.
 *
 * Why not runProcess: it streams without buffering and returns on the
 * child's 'exit', which Node may emit before the pipes are drained, so a
 * short command's last output can arrive after it returned (seen here with
 * parallel jobs: sbatch's job id lost, which would orphan the job). execa's
 * buffered mode waits for the streams to end. These commands need no process
 * tree handling: they are short and are cut by `timeoutMs`.
 */
import execa from 'execa';

export interface CommandOutput {
  /** null when the command did not start or was killed. */
  exitCode: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  /** The binary does not exist (or is not executable). */
  notFound: boolean;
}

export type CommandRunner = (command: string, args: string[], opts: { env?: NodeJS.ProcessEnv; timeoutMs: number }) => Promise<CommandOutput>;

export const runSlurmCommand: CommandRunner = async (command, args, { env, timeoutMs }) => {
  const child = execa(command, args, {
    env,
    extendEnv: env === undefined,
    reject: false,
    stdin: 'ignore',
    maxBuffer: 16 * 1024 * 1024,
  });
  // Own timer rather than execa's `timeout`, which stays armed when the spawn fails (ENOENT) and holds the process open.
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, timeoutMs);
  const r = await child.finally(() => clearTimeout(timer));
  const spawnError = typeof r.exitCode !== 'number' && !r.signal;
  const message = (r as unknown as { originalMessage?: string }).originalMessage ?? '';
  return {
    exitCode: typeof r.exitCode === 'number' && !r.signal ? r.exitCode : null,
    stdout: r.stdout ?? '',
    stderr: spawnError ? `${r.stderr ?? ''}${message}` : (r.stderr ?? ''),
    timedOut,
    notFound: spawnError && /ENOENT|EACCES/.test(message),
  };
};
