import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { writeJsonAtomic } from '../fs/atomic-write';
import { withFileLock } from '../submission/file-lock';
import { PipelineError } from './pipeline-error';
import { TargetNames, modeFileStem, nxRunCommand, projectOf } from '../naming/experiment-names';

/**
 * One training per experiment and mode (full / smoke) at a time, across
 * processes: Nx's `parallelism: false` holds only inside one nx process, and
 * two trainings of one experiment would share its resolved config and could
 * share a run folder. The lock is a proper-lockfile folder beside
 * runs/_failures (outside the Nx-cached outputs); a holder killed hard leaves
 * it stale after the stale window, and the next training takes it over.
 */
export const LOCKS_DIR = join('runs', '_locks');

interface Owner {
  pid: number;
  host: string;
  since: string;
}

export async function withTrainingLock<T>(root: string, experiment: string, smoke: boolean, fn: () => Promise<T>, targets?: TargetNames): Promise<T> {
  const dir = join(root, LOCKS_DIR);
  mkdirSync(dir, { recursive: true });
  const base = join(dir, `${modeFileStem(projectOf(experiment), smoke)}.train`);
  const ownerFile = `${base}.owner.json`;
  const busy = (lockfilePath: string, staleMs: number) => {
    let who = 'another process';
    try {
      const o = JSON.parse(readFileSync(ownerFile, 'utf8')) as Owner;
      who = `pid ${o.pid}${o.host !== hostname() ? ` on ${o.host}` : ''}, since ${o.since}`;
    } catch {
      /* the holder has not written its name yet */
    }
    return new PipelineError(
      `${projectOf(experiment)}${smoke ? ' (smoke)' : ''} is already training (${who})`,
      `wait for that training to finish (its result is then a cache hit), or stop it and run again: ${nxRunCommand(experiment, 'train', { smoke, targets })}. ` +
        `A lock left by a killed training (${lockfilePath}) is taken over ${staleMs / 1000} s after its holder died.`,
    );
  };
  return withFileLock(
    base,
    async () => {
      writeJsonAtomic(ownerFile, { pid: process.pid, host: hostname(), since: new Date().toISOString() } satisfies Owner, { durable: false });
      try {
        return await fn();
      } finally {
        rmSync(ownerFile, { force: true });
      }
    },
    { timeoutMs: 0, busyError: busy },
  );
}
