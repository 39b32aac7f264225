import { runSlurmCommand } from './slurm-command';

describe('runSlurmCommand', () => {
  it('returns all of the output of commands running side by side (nothing lost after exit)', async () => {
    const runs = await Promise.all([1, 2, 3, 4].map((i) => runSlurmCommand('bash', ['-c', `seq 1 20000; echo err${i} >&2; exit ${i}`], { timeoutMs: 30_000 })));
    runs.forEach((r, i) => {
      expect(r.stdout.split('\n')).toHaveLength(20000);
      expect(r.stdout.endsWith('20000')).toBe(true);
      expect(r.stderr).toBe(`err${i + 1}`);
      expect(r.exitCode).toBe(i + 1);
      expect(r.notFound).toBe(false);
    });
  });

  it('a missing binary is notFound, not a crash', async () => {
    const r = await runSlurmCommand('/nonexistent/sbatch', [], { timeoutMs: 5000 });
    expect(r).toMatchObject({ exitCode: null, notFound: true, timedOut: false });
    expect(r.stderr).toContain('ENOENT');
  });

  it('a command that hangs is cut at timeoutMs', async () => {
    const r = await runSlurmCommand('sleep', ['30'], { timeoutMs: 100 });
    expect(r).toMatchObject({ exitCode: null, timedOut: true, notFound: false });
  });

  it('passes the given environment', async () => {
    const r = await runSlurmCommand('sh', ['-c', 'echo "$SLURM_CONF"'], { env: { PATH: process.env.PATH, SLURM_CONF: '/x/slurm.conf' }, timeoutMs: 5000 });
    expect(r.stdout).toBe('/x/slurm.conf');
  });
});
