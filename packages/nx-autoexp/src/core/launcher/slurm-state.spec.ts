import { isActiveState, mapFinalState, normalizeState, parseSacct, parseScontrol, parseSqueue } from './slurm-state';

describe('reading slurm output', () => {
  it('squeue: first state, or null when the job left the queue', () => {
    expect(parseSqueue('RUNNING\n')).toBe('RUNNING');
    expect(parseSqueue('  PENDING  \n')).toBe('PENDING');
    expect(parseSqueue('')).toBeNull();
    expect(parseSqueue('\n\n')).toBeNull();
  });

  it('sacct: State|ExitCode, "CANCELLED by 0" and a trailing + normalized', () => {
    expect(parseSacct('COMPLETED|0:0\n')).toEqual({ state: 'COMPLETED', exitCode: 0, exitSignal: 0 });
    expect(parseSacct('CANCELLED by 0|0:15\n')).toEqual({ state: 'CANCELLED', exitCode: 0, exitSignal: 15 });
    expect(parseSacct('FAILED|3:0')).toEqual({ state: 'FAILED', exitCode: 3, exitSignal: 0 });
    expect(parseSacct('OUT_OF_ME+|0:125')).toEqual({ state: 'OUT_OF_ME', exitCode: 0, exitSignal: 125 });
    expect(parseSacct('')).toBeNull();
    expect(parseSacct('Slurm accounting storage is disabled')).toBeNull();
  });

  it('scontrol show job: JobState and ExitCode from the record', () => {
    const text = [
      'JobId=7 JobName=exp-demo-train',
      '   JobState=TIMEOUT Reason=TimeLimit Dependency=(null)',
      '   Requeue=1 Restarts=0 BatchFlag=1 Reboot=0 ExitCode=0:15',
      '   DerivedExitCode=0:0',
    ].join('\n');
    expect(parseScontrol(text)).toEqual({ state: 'TIMEOUT', exitCode: 0, exitSignal: 15 });
    expect(parseScontrol('slurm_load_jobs error: Invalid job id specified')).toBeNull();
  });

  it('tells active states from end states', () => {
    for (const s of ['PENDING', 'RUNNING', 'COMPLETING', 'CONFIGURING', 'SUSPENDED', 'REQUEUED']) expect(isActiveState(s)).toBe(true);
    for (const s of ['COMPLETED', 'FAILED', 'TIMEOUT', 'OUT_OF_MEMORY', 'CANCELLED', 'NODE_FAIL', 'PREEMPTED', 'BOOT_FAIL', 'DEADLINE']) expect(isActiveState(s)).toBe(false);
    expect(normalizeState('cancelled+')).toBe('CANCELLED');
  });
});

describe('mapFinalState', () => {
  it('COMPLETED 0:0 is success with no message', () => {
    expect(mapFinalState('5', { state: 'COMPLETED', exitCode: 0, exitSignal: 0 })).toEqual({ exitCode: 0, message: null });
  });

  it("FAILED keeps the script's exit code (the trainer's codes stay meaningful)", () => {
    const m = mapFinalState('5', { state: 'FAILED', exitCode: 3, exitSignal: 0 });
    expect(m.exitCode).toBe(3);
    expect(m.message).toMatch(/^slurm job 5 ended FAILED \(exit code 3:0\)/);
  });

  it.each([
    ['TIMEOUT', 0, 15, 143, /raise slurm\.time/],
    ['OUT_OF_MEMORY', 0, 125, 253, /raise slurm\.mem/],
    ['CANCELLED', 0, 15, 143, /cancelled/],
    ['NODE_FAIL', 0, 0, 1, /node failed/],
    ['PREEMPTED', 0, 0, 1, /preempted/],
    ['FAILED', 0, 0, 1, /exited non-zero/],
    ['TIMEOUT', 2, 0, 2, /time limit/],
  ])('%s %d:%d -> non-zero %d with the state line', (state, code, sig, expected, hint) => {
    const m = mapFinalState('42', { state, exitCode: code, exitSignal: sig });
    expect(m.exitCode).toBe(expected);
    expect(m.message).toContain(`slurm job 42 ended ${state} (exit code ${code}:${sig})`);
    expect(m.message).toMatch(hint);
  });

  it('an unknown end state is still a failure', () => {
    const m = mapFinalState('1', { state: 'SOMETHING_NEW', exitCode: 0, exitSignal: 0 });
    expect(m.exitCode).toBe(1);
    expect(m.message).toBe('slurm job 1 ended SOMETHING_NEW (exit code 0:0)');
  });
});
