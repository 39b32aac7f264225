/**
 * The runner's control flow against a scripted fake of the slurm commands
 * (the real cluster is in tests/integration/slurm.spec.ts).
 */
import { appendFileSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { slurmConfig } from './__fixtures__/slurm-config';
import type { CommandRunner } from './slurm-command';
import { createSlurmRunner } from './slurm-runner';

const cfg = slurmConfig({ partition: 'debug', cpus: 1, time: '00:10:00', poll_interval_s: 0.02 });

interface Reply {
  stdout?: string;
  stderr?: string;
  exitCode?: number;
  timedOut?: boolean;
}
type Handler = (args: string[]) => Reply;

/** A fake `exec`: each slurm command answers through a handler (none: not installed); every call is recorded. */
function fakeSlurm(handlers: Record<string, Handler>) {
  const calls: string[][] = [];
  const exec: CommandRunner = async (command, args) => {
    calls.push([command, ...args]);
    const h = handlers[command];
    if (!h) return { exitCode: null, stdout: '', stderr: `spawn ${command} ENOENT`, timedOut: false, notFound: true };
    const r = h(args);
    return { exitCode: r.timedOut ? null : (r.exitCode ?? 0), stdout: r.stdout ?? '', stderr: r.stderr ?? '', timedOut: !!r.timedOut, notFound: false };
  };
  return { exec, calls, count: (c: string) => calls.filter((x) => x[0] === c).length };
}

describe('createSlurmRunner (fake slurm)', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'slurm-runner-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** A job that is PENDING, then RUNNING while it writes output, then gone; scontrol knows the end. */
  function job(end: string, opts: { runningPolls?: number } = {}) {
    let polls = 0;
    const out = () => join(dir, 'slurm-17.out');
    const err = () => join(dir, 'slurm-17.err');
    return fakeSlurm({
      sbatch: () => ({ stdout: '17\n' }),
      squeue: () => {
        polls++;
        if (polls === 1) return { stdout: 'PENDING\n' };
        if (polls === 2) {
          appendFileSync(out(), '{"event":"start"}\nstep 1\n');
          appendFileSync(err(), 'warning: slow\n');
          return { stdout: 'RUNNING\n' };
        }
        if (polls <= 2 + (opts.runningPolls ?? 1)) {
          appendFileSync(out(), 'last line without newline');
          return { stdout: 'RUNNING\n' };
        }
        return { stdout: '' };
      },
      scontrol: () => ({ stdout: `JobId=17 JobName=x\n   JobState=${end} Reason=None\n   ExitCode=${end === 'COMPLETED' ? '0:0' : end === 'FAILED' ? '3:0' : '0:15'}\n` }),
      sacct: () => ({ exitCode: 1, stderr: 'Slurm accounting storage is disabled' }),
      scancel: () => ({}),
    });
  }

  it('submits the written script, streams stdout and stderr lines, and maps COMPLETED to exit 0', async () => {
    const f = job('COMPLETED');
    const logs: string[] = [];
    const run = createSlurmRunner(cfg, { jobDir: dir, jobName: 'exp-demo-train', exec: f.exec, log: (l) => logs.push(l) });
    const stdout: string[] = [];
    const stderr: string[] = [];
    const res = await run('python', ['-m', 'x'], { cwd: '/', env: { PATH: '/bin' }, onStdoutLine: (l) => stdout.push(l), onStderrLine: (l) => stderr.push(l) });
    expect(res.exitCode).toBe(0);
    expect(res).toMatchObject({ jobId: '17', state: 'COMPLETED', aborted: false, timedOut: false, outputFile: join(dir, 'slurm-17.out') });
    expect(stdout).toEqual(['{"event":"start"}', 'step 1', 'last line without newline']);
    expect(stderr).toEqual(['warning: slow']);
    expect(res.stderrTail).toEqual(['warning: slow']);
    // The script that was submitted is the one kept in jobDir.
    const sbatchCall = f.calls.find((c) => c[0] === 'sbatch') as string[];
    expect(sbatchCall.slice(1, 2)).toEqual(['--parsable']);
    expect(sbatchCall[2]).toBe(res.script);
    expect(readdirSync(dir).filter((n) => n.endsWith('.sbatch'))).toHaveLength(1);
    expect(readFileSync(res.script as string, 'utf8')).toContain('#SBATCH --partition=debug\n');
    expect(readFileSync(res.script as string, 'utf8')).toContain('exec python -m x\n');
    expect(f.calls.filter((c) => c[0] === 'squeue')[0]).toEqual(['squeue', '-h', '-j', '17', '-o', '%T']);
    expect(f.count('scancel')).toBe(0);
    expect(logs.join('\n')).toMatch(/submitted job 17/);
    expect(logs).toContain('slurm job 17: RUNNING');
    expect(logs).toContain('slurm job 17 ended COMPLETED (exit code 0:0)');
  });

  it("FAILED returns the job's exit code and the state line after the log tail", async () => {
    const f = job('FAILED');
    const res = await createSlurmRunner(cfg, { jobDir: dir, jobName: 'j', exec: f.exec })('false', [], { tailLines: 3 });
    expect(res.exitCode).toBe(3);
    expect(res.state).toBe('FAILED');
    expect(res.tail).toHaveLength(3);
    expect(res.tail[2]).toMatch(/^slurm job 17 ended FAILED \(exit code 3:0\)/);
    expect(res.stderrTail).toEqual(['warning: slow', expect.stringMatching(/^slurm job 17 ended FAILED/)]);
  });

  it('TIMEOUT is a failure with a clear line', async () => {
    const res = await createSlurmRunner(cfg, { jobDir: dir, jobName: 'j', exec: job('TIMEOUT').exec })('sleep', ['1000']);
    expect(res.exitCode).not.toBe(0);
    expect(res.state).toBe('TIMEOUT');
    expect(res.stderrTail.join('\n')).toContain('slurm job 17 ended TIMEOUT (exit code 0:15)');
  });

  it('falls back to sacct when the controller no longer knows the job', async () => {
    const f = fakeSlurm({
      sbatch: () => ({ stdout: '9;cluster\n' }),
      squeue: () => ({ exitCode: 1, stderr: 'slurm_load_jobs error: Invalid job id specified' }),
      scontrol: () => ({ exitCode: 1, stderr: 'slurm_load_jobs error: Invalid job id specified' }),
      sacct: () => ({ stdout: 'OUT_OF_MEMORY|0:125\n' }),
    });
    const res = await createSlurmRunner(cfg, { jobDir: dir, jobName: 'j', exec: f.exec })('x', []);
    expect(res.jobId).toBe('9');
    expect(res.state).toBe('OUT_OF_MEMORY');
    expect(res.exitCode).not.toBe(0);
    expect(f.calls.find((c) => c[0] === 'sacct')).toEqual(['sacct', '-n', '-P', '-X', '-j', '9', '-o', 'State,ExitCode']);
  });

  it('says so when neither scontrol nor sacct knows how the job ended', async () => {
    const f = fakeSlurm({
      sbatch: () => ({ stdout: '9\n' }),
      squeue: () => ({ stdout: '' }),
      scontrol: () => ({ exitCode: 1, stderr: 'Invalid job id specified' }),
      sacct: () => ({ exitCode: 1, stderr: 'Slurm accounting storage is disabled' }),
    });
    const res = await createSlurmRunner(cfg, { jobDir: dir, jobName: 'j', exec: f.exec })('x', []);
    expect(res.exitCode).toBe(1);
    expect(res.stderrTail.join('\n')).toMatch(/job 9 left the queue but neither scontrol nor sacct knows how it ended.*MinJobAge/);
  });

  it('sbatch not installed: exit 127 and how to fix it, nothing polled', async () => {
    const f = fakeSlurm({});
    const res = await createSlurmRunner(cfg, { jobDir: dir, jobName: 'j', exec: f.exec })('x', []);
    expect(res.exitCode).toBe(127);
    expect(res.jobId).toBeNull();
    expect(res.stderrTail.join('\n')).toMatch(/'sbatch' was not found.*apt-get install slurm-client.*launcher: local/s);
    expect(f.calls.map((c) => c[0])).toEqual(['sbatch']);
  });

  it('controller down (sbatch hangs, or says it cannot connect): exit 1 naming slurmctld', async () => {
    const hang = fakeSlurm({ sbatch: () => ({ exitCode: 143, timedOut: true }) });
    const r1 = await createSlurmRunner(cfg, { jobDir: dir, jobName: 'j', exec: hang.exec, commandTimeoutMs: 5 })('x', []);
    expect(r1.exitCode).toBe(1);
    expect(r1.stderrTail.join('\n')).toMatch(/did not answer within .*\(slurmctld\) is down or unreachable.*scontrol ping/);
    const refuse = fakeSlurm({ sbatch: () => ({ exitCode: 1, stderr: 'sbatch: error: Batch job submission failed: Unable to contact slurm controller (connect failure)' }) });
    const r2 = await createSlurmRunner(cfg, { jobDir: dir, jobName: 'j', exec: refuse.exec })('x', []);
    expect(r2.exitCode).toBe(1);
    expect(r2.stderrTail.join('\n')).toMatch(/Unable to contact slurm controller[\s\S]*is down or unreachable/);
  });

  it('a rejected submission (bad partition) points at the slurm settings', async () => {
    const f = fakeSlurm({ sbatch: () => ({ exitCode: 1, stderr: 'sbatch: error: Batch job submission failed: Invalid partition name specified' }) });
    const res = await createSlurmRunner(cfg, { jobDir: dir, jobName: 'j', exec: f.exec })('x', []);
    expect(res.exitCode).toBe(1);
    expect(res.stderrTail.join('\n')).toMatch(/Invalid partition name specified\nfix the slurm settings/);
  });

  it('a config the script cannot hold fails before anything is submitted', async () => {
    const f = fakeSlurm({ sbatch: () => ({ stdout: '1' }) });
    const res = await createSlurmRunner({ ...cfg, extra_args: ['constraint=x'] }, { jobDir: dir, jobName: 'j', exec: f.exec })('x', []);
    expect(res.exitCode).toBe(1);
    expect(res.stderrTail[0]).toMatch(/extra_args/);
    expect(f.calls).toEqual([]);
  });

  it('abort cancels the job, waits until it leaves the queue, and reports aborted', async () => {
    const ac = new AbortController();
    let cancelled = false;
    let afterCancel = 0;
    const f = fakeSlurm({
      sbatch: () => ({ stdout: '5' }),
      squeue: () => {
        if (!cancelled) {
          setImmediate(() => ac.abort());
          return { stdout: 'RUNNING' };
        }
        // Still COMPLETING once after scancel: the runner must wait for it to go.
        return { stdout: afterCancel++ === 0 ? 'COMPLETING' : '' };
      },
      scancel: () => {
        cancelled = true;
        return {};
      },
      scontrol: () => ({ stdout: 'JobState=CANCELLED Reason=None ExitCode=0:15' }),
    });
    const res = await createSlurmRunner({ ...cfg, poll_interval_s: 3600 }, { jobDir: dir, jobName: 'j', exec: f.exec })('sleep', ['100'], { signal: ac.signal });
    expect(res.aborted).toBe(true);
    expect(res.state).toBe('CANCELLED');
    expect(f.calls.filter((c) => c[0] === 'scancel')).toEqual([['scancel', '5']]);
    expect(afterCancel).toBe(2);
  });

  it('an already-aborted signal submits nothing', async () => {
    const f = fakeSlurm({ sbatch: () => ({ stdout: '1' }) });
    const ac = new AbortController();
    ac.abort();
    const res = await createSlurmRunner(cfg, { jobDir: dir, jobName: 'j', exec: f.exec })('x', [], { signal: ac.signal });
    expect(res.aborted).toBe(true);
    expect(f.calls).toEqual([]);
  });

  it('timeoutMs cancels the job and reports timedOut', async () => {
    let cancelled = false;
    const f = fakeSlurm({
      sbatch: () => ({ stdout: '6' }),
      squeue: () => ({ stdout: cancelled ? '' : 'RUNNING' }),
      scancel: () => {
        cancelled = true;
        return {};
      },
      scontrol: () => ({ stdout: 'JobState=CANCELLED ExitCode=0:15' }),
    });
    const res = await createSlurmRunner(cfg, { jobDir: dir, jobName: 'j', exec: f.exec })('sleep', ['100'], { timeoutMs: 30 });
    expect(res.timedOut).toBe(true);
    expect(res.exitCode).not.toBe(0);
    expect(f.count('scancel')).toBe(1);
  });

  it('gives up with the job id when squeue keeps failing past the grace period', async () => {
    const f = fakeSlurm({
      sbatch: () => ({ stdout: '8' }),
      squeue: () => ({ exitCode: 1, stderr: 'squeue: error: Unable to contact slurm controller (connect failure)' }),
    });
    const res = await createSlurmRunner(cfg, { jobDir: dir, jobName: 'j', exec: f.exec, controllerGraceMs: 50 })('x', []);
    expect(res.exitCode).toBe(1);
    expect(res.stderrTail.join('\n')).toMatch(/lost contact with the controller .* job 8 .*scancel 8/);
    expect(f.count('squeue')).toBeGreaterThan(1);
  });
});
