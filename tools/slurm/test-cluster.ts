/**
 * For the slurm integration and e2e tests: start the single-node test cluster
 * (tools/slurm/start-test-cluster.sh) once per test file, or say why it cannot
 * run so the suite is skipped with that reason instead of failing CI.
 *
 * Called at module load, not in beforeAll: Jest decides describe vs
 * describe.skip while collecting, before any hook runs.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

export type ClusterStatus = { up: true } | { up: false; reason: string };

export function startTestCluster(): ClusterStatus {
  if (process.env.AUTOEXP_SLURM_TESTS === '0') return { up: false, reason: 'AUTOEXP_SLURM_TESTS=0' };
  const script = join(__dirname, 'start-test-cluster.sh');
  // Installing slurm through apt may wait for another apt run to finish: allow it time.
  const r = spawnSync('bash', [script], { encoding: 'utf8', timeout: 15 * 60_000 });
  if (r.status === 0) return { up: true };
  const out = `${r.stdout ?? ''}${r.stderr ?? ''}`.trim().split('\n').slice(-5).join('\n');
  return { up: false, reason: `${script} exited ${r.status ?? r.signal ?? r.error?.message}: ${out}` };
}

/** `describe` when the cluster is up; otherwise `describe.skip`, with the reason printed once. */
export function describeWithCluster(status: ClusterStatus): jest.Describe {
  if (status.up) return describe;
  // eslint-disable-next-line no-console
  console.warn(`slurm tests skipped: the test cluster could not start (${status.reason})`);
  return describe.skip;
}
