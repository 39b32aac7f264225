import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { slurmConfig } from './__fixtures__/slurm-config';
import { runProcess } from '../process/run-process';
import { selectRunner } from './select-runner';

const slurm = slurmConfig();

describe('selectRunner', () => {
  it('local runs processes here', () => {
    expect(selectRunner({ launcher: 'local', slurm }, { jobDir: '/tmp/x', jobName: 'j' })).toBe(runProcess);
  });

  it('slurm submits through sbatch (the named binary is the one called)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'select-runner-'));
    const run = selectRunner({ launcher: 'slurm', slurm }, { jobDir: dir, jobName: 'j', sbatch: '/nonexistent/sbatch-for-test' });
    expect(run).not.toBe(runProcess);
    const res = await run('true', []).finally(() => rmSync(dir, { recursive: true, force: true }));
    expect(res.exitCode).toBe(127);
    expect(res.stderrTail.join('\n')).toContain('/nonexistent/sbatch-for-test');
  });
});
