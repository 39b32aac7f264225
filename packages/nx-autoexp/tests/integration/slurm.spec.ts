/**
 * The slurm runner against a real single-node cluster (slurmctld + slurmd +
 * munged on this host, started by tools/slurm/start-test-cluster.sh as root).
 * Skipped, with the reason printed, when the cluster cannot start or
 * AUTOEXP_SLURM_TESTS=0. About 35-65 s: slurm schedules within seconds and the
 * TIMEOUT case moves the job's end time to now instead of waiting a minute.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SlurmConfig } from '../../src/core/config/types';
import { slurmConfig } from '../../src/core/launcher/__fixtures__/slurm-config';
import { SlurmRunResult, createSlurmRunner } from '../../src/core/launcher';
import { describeWithCluster, startTestCluster } from '../../../../tools/slurm/test-cluster';

const cluster = startTestCluster();
const PKG = join(__dirname, '..', '..');

const cfg = (over: Partial<SlurmConfig> = {}): SlurmConfig => slurmConfig({ partition: 'debug', cpus: 1, time: '00:05:00', poll_interval_s: 1, ...over });

const inQueue = (jobId: string): string => spawnSync('squeue', ['-h', '-j', jobId, '-o', '%T'], { encoding: 'utf8' }).stdout.trim();

describeWithCluster(cluster)('slurm runner on a real single-node cluster', () => {
  jest.setTimeout(120_000);
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'autoexp-slurm-it-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** Runs `bash -c script` as a job; `onLine` sees each stdout line with the job id the runner logged. */
  async function job(name: string, script: string, opts: { cfg?: Partial<SlurmConfig>; onLine?: (l: string, jobId: string) => void; signal?: AbortSignal; env?: NodeJS.ProcessEnv } = {}) {
    const logs: string[] = [];
    let jobId = '';
    const lines: string[] = [];
    const run = createSlurmRunner(cfg(opts.cfg), {
      jobDir: join(dir, name),
      jobName: `autoexp-it-${name}`,
      log: (l) => {
        logs.push(l);
        jobId ||= /submitted job (\d+)/.exec(l)?.[1] ?? '';
      },
    });
    const res: SlurmRunResult = await run('bash', ['-c', script], {
      cwd: dir,
      env: { ...process.env, AUTOEXP_IT_MARK: `it's ${name}` },
      signal: opts.signal,
      onStdoutLine: (l) => {
        lines.push(l);
        opts.onLine?.(l, jobId);
      },
    });
    return { res, logs, lines, jobId };
  }

  it('a job that succeeds streams its output while it runs, with cwd and env from the caller', async () => {
    // The job only finishes once the test has seen its first line: proof the output is streamed, not read at the end.
    const go = join(dir, 'go');
    const { res, lines, logs } = await job(
      'ok',
      `echo "ready in $(pwd) ($AUTOEXP_IT_MARK)"; for i in $(seq 1 60); do [ -e ${go} ] && break; sleep 0.5; done; [ -e ${go} ] || exit 9; echo 한국어 done; echo warn >&2`,
      { onLine: (l) => l.startsWith('ready') && writeFileSync(go, '') },
    );
    expect(res.exitCode).toBe(0);
    expect(res.state).toBe('COMPLETED');
    expect(lines).toEqual([`ready in ${dir} (it's ok)`, '한국어 done']);
    expect(res.stderrTail).toEqual(['warn']);
    expect(existsSync(res.outputFile as string)).toBe(true);
    expect(readFileSync(res.script as string, 'utf8')).toContain('#SBATCH --partition=debug');
    expect(inQueue(res.jobId as string)).toBe('');
  });

  it('a failing job reports FAILED with its exit code and log tail', async () => {
    const { res } = await job('fail', 'echo "loading data"; echo "Traceback: bad column" >&2; exit 3');
    expect(res.exitCode).toBe(3);
    expect(res.state).toBe('FAILED');
    expect(res.tail).toContain('loading data');
    expect(res.stderrTail).toContain('Traceback: bad column');
    expect(res.stderrTail[res.stderrTail.length - 1]).toMatch(new RegExp(`^slurm job ${res.jobId} ended FAILED \\(exit code 3:0\\)`));
  });

  it('a job past its time limit reports TIMEOUT', async () => {
    // --time=1 minute is slurm's smallest limit; once the job runs, its end time is moved to now,
    // which is what reaching the limit looks like to slurmctld (it then kills the job as TIMEOUT).
    let moved = '';
    const { res } = await job('timeout', 'echo started; sleep 300; echo never', {
      cfg: { time: '00:01:00' },
      onLine: (l, id) => {
        if (l === 'started' && !moved) moved = spawnSync('scontrol', ['update', `JobId=${id}`, 'EndTime=now'], { encoding: 'utf8' }).stderr || 'ok';
      },
    });
    expect(moved).toBe('ok');
    expect(res.state).toBe('TIMEOUT');
    expect(res.exitCode).not.toBe(0);
    expect(res.stderrTail.join('\n')).toMatch(new RegExp(`slurm job ${res.jobId} ended TIMEOUT \\(exit code \\d+:\\d+\\): it ran past its time limit`));
    expect(res.tail).not.toContain('never');
  });

  it('abort (Ctrl-C of the task) cancels the job and waits until it has left the queue', async () => {
    const ac = new AbortController();
    const { res } = await job('abort', 'echo started; sleep 300', { signal: ac.signal, onLine: (l) => l === 'started' && ac.abort() });
    expect(res.aborted).toBe(true);
    expect(res.state).toBe('CANCELLED');
    expect(res.exitCode).not.toBe(0);
    expect(inQueue(res.jobId as string)).toBe('');
  });

  /**
   * A separate node process submits a job that prints "started" and sleeps, then, once the line arrives:
   * exit: calls process.exit; nx: behaves like an Nx task on Ctrl-C (once-handlers that abort, then SIGINT
   * and two SIGTERMs, as Nx sends them); plain: gets SIGTERM with no handler of its own.
   */
  async function submitterDies(mode: 'exit' | 'nx' | 'plain') {
    const child = join(dir, `submitter-${mode}.js`);
    writeFileSync(
      child,
      `const { createSlurmRunner } = require(${JSON.stringify(join(PKG, 'src/core/launcher'))});
       const mode = ${JSON.stringify(mode)};
       const ac = new AbortController();
       if (mode === 'nx') { process.once('SIGINT', () => ac.abort()); process.once('SIGTERM', () => ac.abort()); }
       const run = createSlurmRunner(${JSON.stringify(cfg())}, { jobDir: ${JSON.stringify(join(dir, mode))}, jobName: 'autoexp-it-${mode}', log: (l) => console.log(l) });
       run('bash', ['-c', 'echo started; sleep 300'], { signal: mode === 'nx' ? ac.signal : undefined, onStdoutLine: (l) => {
         if (l !== 'started') return;
         if (mode === 'exit') process.exit(0);
         if (mode === 'plain') process.kill(process.pid, 'SIGTERM');
         if (mode === 'nx') { process.kill(process.pid, 'SIGINT'); process.kill(process.pid, 'SIGTERM'); process.kill(process.pid, 'SIGTERM'); }
       } }).then((r) => { console.log('result aborted=' + r.aborted + ' state=' + r.state); process.exit(3); });`,
    );
    const r = spawnSync('node', ['-r', 'ts-node/register/transpile-only', child], { encoding: 'utf8', timeout: 90_000, cwd: PKG });
    const jobId = /submitted job (\d+)/.exec(r.stdout)?.[1] ?? '';
    // scancel has been sent synchronously; the job leaves the queue within KillWait.
    let state = jobId ? inQueue(jobId) : 'no job id';
    for (let i = 0; i < 30 && state !== ''; i++) {
      spawnSync('sleep', ['0.5']);
      state = inQueue(jobId);
    }
    return { r, jobId, state, end: jobId ? spawnSync('scontrol', ['show', 'job', jobId], { encoding: 'utf8' }).stdout : '' };
  }

  it('a job does not outlive the process that submitted it: process.exit mid-job', async () => {
    const { r, jobId, state, end } = await submitterDies('exit');
    expect(jobId).not.toBe('');
    expect(r.status).toBe(0);
    expect(state).toBe('');
    expect(end).toMatch(/JobState=CANCELLED/);
  });

  it('... nor an Nx-style Ctrl-C (SIGINT then SIGTERMs): the run ends aborted once the job is gone', async () => {
    const { r, jobId, state, end } = await submitterDies('nx');
    expect(jobId).not.toBe('');
    // The process survived the extra SIGTERMs and returned the result.
    expect(r.stdout).toContain('result aborted=true state=CANCELLED');
    expect(r.status).toBe(3);
    expect(state).toBe('');
    expect(end).toMatch(/JobState=CANCELLED/);
  });

  it('... nor a SIGTERM to a process without handlers, which still dies of it', async () => {
    const { r, jobId, state, end } = await submitterDies('plain');
    expect(jobId).not.toBe('');
    expect(r.signal).toBe('SIGTERM');
    expect(r.stdout).not.toContain('result');
    expect(state).toBe('');
    expect(end).toMatch(/JobState=CANCELLED/);
  });

  it('three jobs submitted in parallel all complete, each with its own output', async () => {
    const runs = await Promise.all([1, 2, 3].map((i) => job(`par${i}`, `sleep 1; echo "job ${i} on $SLURM_JOB_ID"`)));
    const ids = runs.map((r) => r.res.jobId);
    expect(new Set(ids).size).toBe(3);
    runs.forEach((r, i) => {
      // The tail rides along so a failure shows what the job said.
      expect({ exitCode: r.res.exitCode, tail: r.res.tail }).toEqual({ exitCode: 0, tail: [`job ${i + 1} on ${r.res.jobId}`] });
      expect(r.lines).toEqual([`job ${i + 1} on ${r.res.jobId}`]);
    });
  });

  it('sbatch missing, or the controller unreachable, fails fast with what to do', async () => {
    const missing = await createSlurmRunner(cfg(), { jobDir: join(dir, 'missing'), jobName: 'x', sbatch: '/nonexistent/sbatch' })('true', []);
    expect(missing.exitCode).toBe(127);
    expect(missing.stderrTail.join('\n')).toMatch(/'\/nonexistent\/sbatch' was not found.*slurm-client/);

    // A copy of this cluster's config whose controller port nobody listens on: what a stopped slurmctld looks like.
    const conf = readFileSync('/etc/slurm/slurm.conf', 'utf8').replace(/^SlurmctldHost=.*$/m, (l) => `${l}\nSlurmctldPort=6999`);
    writeFileSync(join(dir, 'down.conf'), conf);
    const down = await createSlurmRunner(cfg(), { jobDir: join(dir, 'down'), jobName: 'x' })('true', [], { env: { ...process.env, SLURM_CONF: join(dir, 'down.conf') } });
    expect(down.exitCode).toBe(1);
    expect(down.jobId).toBeNull();
    expect(down.stderrTail.join('\n')).toMatch(/Unable to contact slurm controller[\s\S]*slurmctld\) is down or unreachable[\s\S]*start-test-cluster\.sh/);
  });
});
