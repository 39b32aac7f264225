/**
 * For the slurm integration and e2e tests: start the single-node test cluster
 * (tools/slurm/start-test-cluster.sh) once per test file, or say why it cannot
 * run. Outside CI the suite is then skipped with that reason; under CI=true it
 * fails with it (tools/testing/required-component.ts).
 *
 * Called at module load, not in beforeAll: Jest decides describe vs
 * describe.skip while collecting, before any hook runs.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { Availability, describeRequiring } from '../testing/required-component';

export function startTestCluster(): Availability {
  if (process.env.AUTOEXP_SLURM_TESTS === '0') return { ok: false, reason: 'AUTOEXP_SLURM_TESTS=0 was set' };
  const script = join(__dirname, 'start-test-cluster.sh');
  // Installing slurm through apt may wait for another apt run to finish: allow it time.
  const r = spawnSync('bash', [script], { encoding: 'utf8', timeout: 15 * 60_000 });
  if (r.status === 0) return { ok: true };
  const out = `${r.stdout ?? ''}${r.stderr ?? ''}`.trim().split('\n').slice(-5).join('\n');
  return { ok: false, reason: `${script} exited ${r.status ?? r.signal ?? r.error?.message}: ${out}` };
}

/** `describe` when the cluster is up; otherwise skipped (outside CI) or failing (CI=true), with the reason. */
export function describeWithCluster(status: Availability): jest.Describe {
  return describeRequiring('the SLURM test cluster', status);
}
