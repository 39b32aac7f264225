import type { RunProcessResult } from '../process/run-process';
import { requeueing, shouldRequeue } from './requeue';
import { spawnSync } from 'node:child_process';
import { STOP_AT_ENV, buildJobScript, sbatchDirectives } from './job-script';
import { slurmTimeSeconds } from './slurm-time';
import type { SlurmConfig } from '../config/types';
import { slurmConfig } from './__fixtures__/slurm-config';

const end = (state: string | null, exitCode: number | null, extra: Partial<RunProcessResult> = {}) =>
  ({ exitCode, signal: null, timedOut: false, aborted: false, durationMs: 1, tail: [], stderrTail: [], state, jobId: String(Math.random()).slice(2, 6), ...extra }) as RunProcessResult;

function scripted(ends: RunProcessResult[]) {
  const calls: number[] = [];
  const runner = async () => {
    calls.push(calls.length);
    return ends[Math.min(calls.length - 1, ends.length - 1)];
  };
  return { runner, calls };
}

describe('slurm requeue', () => {
  it('resubmits after TIMEOUT / PREEMPTED / a save on the signal, until COMPLETED', async () => {
    const { runner, calls } = scripted([end('TIMEOUT', 0), end('FAILED', 8), end('PREEMPTED', 0), end('COMPLETED', 0)]);
    const lines: string[] = [];
    let prepared = 0;
    const res = await requeueing(runner, { requeue: true, max_requeue: 5 }, { log: (l) => lines.push(l), interruptedExit: 8, prepareRetry: () => ++prepared > 0 })('python', []);
    expect(res.exitCode).toBe(0);
    expect(calls).toHaveLength(4);
    expect(prepared).toBe(3);
    expect(lines.map((l) => l.replace(/job \d+/, 'job N'))).toEqual([
      'slurm: job N ended TIMEOUT; requeue 1 of 5: submitting again, resuming from the newest checkpoint',
      'slurm: job N ended stopped after saving on the time-limit signal; requeue 2 of 5: submitting again, resuming from the newest checkpoint',
      'slurm: job N ended PREEMPTED; requeue 3 of 5: submitting again, resuming from the newest checkpoint',
    ]);
  });

  it('stops at max_requeue, when nothing can be resumed, and never for a real failure, Ctrl-C or requeue: false', async () => {
    const timeouts = scripted([end('TIMEOUT', 0)]);
    const lines: string[] = [];
    const res = await requeueing(timeouts.runner, { requeue: true, max_requeue: 2 }, { log: (l) => lines.push(l), interruptedExit: 8, prepareRetry: () => true })('python', []);
    expect(timeouts.calls).toHaveLength(3);
    expect((res as { state?: string }).state).toBe('TIMEOUT');
    expect(lines[2]).toMatch(/not requeued: slurm.max_requeue \(2\) reached/);
    const nothing = scripted([end('TIMEOUT', 0)]);
    await requeueing(nothing.runner, { requeue: true, max_requeue: 2 }, { log: () => undefined, interruptedExit: 8, prepareRetry: () => false })('python', []);
    expect(nothing.calls).toHaveLength(1);
    expect(shouldRequeue(end('FAILED', 4), 8)).toBe(false);
    expect(shouldRequeue(end('CANCELLED', 0, { aborted: true }), 8)).toBe(false);
    const off = scripted([end('TIMEOUT', 0)]);
    await requeueing(off.runner, { requeue: false, max_requeue: 2 }, { log: () => undefined, interruptedExit: 8, prepareRetry: () => true })('python', []);
    expect(off.calls).toHaveLength(1);
  });

  it('train jobs ask for SIGUSR1 signal_s before the limit, on the batch shell', () => {
    const cfg = { partition: null, gpus: null, cpus: null, mem: null, time: '00:10:00', account: null, qos: null, extra_args: [], setup: [], poll_interval_s: 5, signal_s: 90, requeue: true, max_requeue: 3 };
    expect(sbatchDirectives({ cfg, jobName: 'j', jobDir: '/j', signalBeforeEnd: true })).toContain('#SBATCH --signal=B:USR1@90');
    expect(sbatchDirectives({ cfg, jobName: 'j', jobDir: '/j' }).some((l) => l.includes('--signal'))).toBe(false);
    expect(sbatchDirectives({ cfg: { ...cfg, signal_s: null }, jobName: 'j', jobDir: '/j', signalBeforeEnd: true }).some((l) => l.includes('--signal'))).toBe(false);
    // An early signal must not kill the trainer while it starts: ignored before exec, handled once it runs.
    const script = buildJobScript({ cfg, jobName: 'j', jobDir: '/j', signalBeforeEnd: true, command: 'python', args: ['-m', 'x'], cwd: '/w', env: {} }).split('\n');
    expect(script.indexOf("trap '' USR1")).toBe(script.findIndex((l) => l.startsWith('exec ')) - 1);
  });

  it('the job script records when signal_s before the limit is, by the job clock (slurm signals up to a minute early)', () => {
    const cfg = slurmConfig({ time: '00:10:00', setup: ['echo setup'], signal_s: 90, requeue: true });
    const script = (over: Partial<SlurmConfig>, signalBeforeEnd = true, env: NodeJS.ProcessEnv = {}) =>
      buildJobScript({ cfg: { ...cfg, ...over }, jobName: 'j', jobDir: '/j', signalBeforeEnd, command: 'python', args: ['-m', 'x'], cwd: '/w', env });
    const lines = script({}).split('\n');
    const at = lines.findIndex((l) => l.startsWith(`export ${STOP_AT_ENV}=`));
    // Before cd and the setup lines: the limit counts from the job's start.
    expect(at).toBeGreaterThan(lines.indexOf('set -euo pipefail'));
    expect(at).toBeLessThan(lines.indexOf('echo setup'));
    expect(at).toBeLessThan(lines.findIndex((l) => l.startsWith('cd ')));
    // Run by a real shell: now + 600 s - 90 s.
    const before = Math.floor(Date.now() / 1000);
    const r = spawnSync('/bin/bash', ['-c', `${lines[at]}; echo $${STOP_AT_ENV}`], { encoding: 'utf8' });
    const stopAt = Number(r.stdout.trim());
    expect(stopAt).toBeGreaterThanOrEqual(before + 510);
    expect(stopAt).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000) + 510);
    // A limit shorter than signal_s: at once. No signal, no limit, or not a train job: no line.
    expect(script({ time: '1', signal_s: 90 })).toContain(`export ${STOP_AT_ENV}=$(( $(date +%s) + 0 ))`);
    for (const s of [script({ signal_s: null }), script({ time: null }), script({ time: 'UNLIMITED' }), script({}, false)]) expect(s).not.toContain(STOP_AT_ENV);
    // Never inherited from the submitting shell (it belongs to one job).
    expect(script({}, true, { [STOP_AT_ENV]: '1', AUTOEXP_OTHER: 'y' })).not.toContain(`export ${STOP_AT_ENV}=1`);
    expect(script({}, true, { [STOP_AT_ENV]: '1', AUTOEXP_OTHER: 'y' })).toContain('export AUTOEXP_OTHER=y');
  });

  it.each([
    ['1', 60],
    ['90', 5400],
    ['02:30', 150],
    ['01:00:00', 3600],
    ['1-0', 86400],
    ['1-02', 93600],
    ['1-02:03', 93780],
    ['1-02:03:04', 93784],
    [' 00:01:00 ', 60],
    ['INFINITE', null],
    ['unlimited', null],
    ['', null],
    [null, null],
    ['1h', null],
    ['1:2:3:4', null],
  ])('slurm time %j is %j seconds', (time, seconds) => {
    expect(slurmTimeSeconds(time)).toBe(seconds);
  });
});
