import { PassThrough } from 'node:stream';
import { tempWorkspace } from '../../../tests/support/temp-workspace';
import { outliveClosedOutput } from '../process/outlive-closed-output';
import { readFailures } from './failure-record';
import { PipelineError } from './pipeline-error';
import { runPipelineStep } from './run-pipeline-step';
import type { StepContext } from './train-step';

/** A step that waits for its stop (as train waits for the trainer to save), then fails as an interrupted train does. */
function stoppableStep(seen: { aborted: boolean }) {
  return (ctx: StepContext) =>
    new Promise<never>((_, fail) => {
      const timer = setTimeout(() => fail(new Error('never stopped')), 2000);
      ctx.signal?.addEventListener('abort', () => {
        seen.aborted = true;
        clearTimeout(timer);
        setImmediate(() => fail(new PipelineError('training was interrupted', 'run it again to resume')));
      });
    });
}

describe('runPipelineStep on a stop signal', () => {
  it.each(['SIGINT', 'SIGTERM', 'SIGHUP'] as const)('%s stops the children, the step runs to its end and records the failure', async (sig) => {
    const root = tempWorkspace('autoexp-run-step');
    const lines: string[] = [];
    const before = process.listenerCount(sig);
    const seen = { aborted: false };
    const running = runPipelineStep({ workspaceRoot: root, target: 'train', experiment: 'demo', out: (t) => lines.push(t), err: (t) => lines.push(t) }, stoppableStep(seen));
    // The event, not a real signal: a listener that is missing must fail the test, not kill the worker.
    process.emit(sig, sig);
    expect(await running).toBe(false);
    expect(seen.aborted).toBe(true);
    expect(lines.join('')).toContain(`[exp-demo] received ${sig}: stopping child processes`);
    expect(readFailures(root).map((f) => [f.target, f.reason.split('\n')[0]])).toEqual([['train', expect.stringContaining('training was interrupted')]]);
    expect(process.listenerCount(sig)).toBe(before);
  });
});

describe('outliveClosedOutput', () => {
  it('drops the errors of an output nobody reads, once per stream however often it is called', () => {
    const out = new PassThrough();
    outliveClosedOutput([out]);
    outliveClosedOutput([out]);
    expect(out.listenerCount('error')).toBe(1);
    for (const code of ['EPIPE', 'EIO', 'ERR_STREAM_DESTROYED']) expect(() => out.emit('error', Object.assign(new Error(code), { code }))).not.toThrow();
  });
});
