import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ProcessRunner, RunProcessOptions, RunProcessResult } from '../process/run-process';
import { runStrategyChain, RunStrategyChainOptions } from './strategy-chain';

// The chain's bookkeeping with a fake runner; real processes are in tests/integration/infer-chain.spec.ts.

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'chain-unit-'));
  writeFileSync(join(dir, 'dev.csv'), 'fname,dialogue\ndev_0,a\ndev_1,b\n');
  writeFileSync(join(dir, 'test.csv'), 'fname,dialogue\ntest_0,a\n');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

type Behaviour = (call: { batch: string; input: string; output: string; options: RunProcessOptions }) => Partial<RunProcessResult>;

function fakeRunner(behave: Behaviour): ProcessRunner & { calls: { command: string; args: string[]; options: RunProcessOptions }[] } {
  const calls: { command: string; args: string[]; options: RunProcessOptions }[] = [];
  const runner = (async (command: string, args: string[], options: RunProcessOptions = {}) => {
    calls.push({ command, args, options });
    const arg = (flag: string) => args[args.indexOf(flag) + 1];
    const r = behave({ batch: arg('--batch-size'), input: arg('--input'), output: arg('--output'), options });
    return { exitCode: 0, signal: null, timedOut: false, aborted: false, durationMs: 5, tail: [], stderrTail: [], ...r };
  }) as ProcessRunner & { calls: typeof calls };
  runner.calls = calls;
  return runner;
}

/** Writes a complete prediction file for the call's input. */
function writeGood(input: string, output: string, tag: string) {
  const fnames = readFileSync(input, 'utf8').trim().split('\n').slice(1).map((l) => l.split(',')[0]);
  writeFileSync(output, ['fname,summary', ...fnames.map((f) => `${f},${tag}`)].join('\n') + '\n');
}

function options(runner: ProcessRunner, extra: Partial<RunStrategyChainOptions> = {}): RunStrategyChainOptions {
  return {
    experiment: 'demo',
    strategies: [{ name: 'fast', batch_size: 8, timeout_s: 7 }, { name: 'conservative', batch_size: 2 }],
    splits: [
      { name: 'dev', input: 'dev.csv', output: 'out/dev.csv' },
      { name: 'test', input: 'test.csv', output: 'out/test.csv' },
    ],
    python: 'python',
    checkpoint: 'ckpt',
    cwd: dir,
    log: () => undefined,
    runner,
    ...extra,
  };
}

describe('runStrategyChain (fake runner)', () => {
  it('falls through an OOM to the next strategy and publishes only the winner, leaving no temp files', async () => {
    const runner = fakeRunner(({ batch, input, output }) => {
      if (batch === '8') return { exitCode: 1, stderrTail: ['Traceback ...', 'torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2 GiB'] };
      writeGood(input, output, `bs${batch}`);
      return {};
    });
    const lines: string[] = [];
    const result = await runStrategyChain(options(runner, { log: (l) => lines.push(l) }));

    expect(result.ok).toBe(true);
    expect(result.strategyUsed).toBe('conservative');
    expect(result.aborted).toBe(false);
    expect(result.attempts.map((a) => [a.strategy, a.split, a.ok])).toEqual([
      ['fast', 'dev', false],
      ['conservative', 'dev', true],
      ['conservative', 'test', true],
    ]);
    expect(result.attempts[0].error).toBe('CUDA out of memory; exited with code 1');
    expect(result.attempts[0].stderr_tail).toContain('torch.OutOfMemoryError');
    expect(result.attempts[0].output_sha256).toBeNull();
    expect(result.attempts[1].output_sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(readFileSync(join(dir, 'out/dev.csv'), 'utf8')).toBe('fname,summary\ndev_0,bs2\ndev_1,bs2\n');
    expect(readdirSync(join(dir, 'out')).sort()).toEqual(['dev.csv', 'test.csv']);
    // paths resolved against cwd; each attempt writes a temp beside the final output
    expect(runner.calls[0].args).toContain(join(dir, 'ckpt'));
    expect(runner.calls[0].args[runner.calls[0].args.indexOf('--output') + 1]).toMatch(new RegExp(`^${join(dir, 'out')}/\\.dev\\.csv\\.fast\\..*\\.tmp$`));
    expect(runner.calls[0].options).toMatchObject({ cwd: dir, timeoutMs: 7000 });
    expect(runner.calls[1].options.timeoutMs).toBe(3600 * 1000);
    expect(lines).toContain('fast/dev: failed: CUDA out of memory; exited with code 1');
  });

  it('treats "CUDA out of memory" on stderr as a failure even when the process exits 0 with a complete file', async () => {
    // A predictor that catches the OOM, writes what it has and exits 0 is not a success: the next strategy runs.
    const runner = fakeRunner(({ batch, input, output }) => {
      writeGood(input, output, `bs${batch}`);
      return batch === '8' ? { exitCode: 0, stderrTail: ['RuntimeError: CUDA out of memory. Tried to allocate 20.00 MiB'] } : {};
    });
    const result = await runStrategyChain(options(runner));
    expect(result.ok).toBe(true);
    expect(result.strategyUsed).toBe('conservative');
    expect(result.attempts[0]).toMatchObject({ strategy: 'fast', ok: false, error: 'CUDA out of memory reported on stderr' });
    expect(readFileSync(join(dir, 'out/dev.csv'), 'utf8')).toBe('fname,summary\ndev_0,bs2\ndev_1,bs2\n');
  });

  it('forwards the process output lines to log with the experiment/strategy/split prefix', async () => {
    const runner = fakeRunner(({ input, output, options: o }) => {
      o.onStderrLine?.('predict: 1/2 items, 3.0 items/s, ETA 1s');
      o.onStdoutLine?.('hello');
      writeGood(input, output, 'x');
      return {};
    });
    const lines: string[] = [];
    await runStrategyChain(options(runner, { log: (l) => lines.push(l) }));
    expect(lines).toContain('fast/dev: predict: 1/2 items, 3.0 items/s, ETA 1s');
    expect(lines).toContain('fast/test: hello');
  });

  it('reruns every split with the next strategy when a later split fails, and keeps old outputs when all fail', async () => {
    writeFileSync(join(dir, 'keep.csv'), 'old');
    const runner = fakeRunner(({ input, output }) => {
      if (input.endsWith('dev.csv')) writeGood(input, output, 'x');
      else writeFileSync(output, 'fname,summary\n');
      return {};
    });
    const result = await runStrategyChain(
      options(runner, {
        splits: [
          { name: 'dev', input: 'dev.csv', output: 'keep.csv' },
          { name: 'test', input: 'test.csv', output: 'out/test.csv' },
        ],
      }),
    );
    expect(result).toMatchObject({ ok: false, strategyUsed: null, aborted: false });
    expect(result.attempts.map((a) => `${a.strategy}/${a.split}:${a.ok}`)).toEqual([
      'fast/dev:true',
      'fast/test:false',
      'conservative/dev:true',
      'conservative/test:false',
    ]);
    expect(result.attempts[1].error).toMatch(/^exited 0 but the predictions are incomplete: 0 prediction rows for 1 inputs/);
    expect(readFileSync(join(dir, 'keep.csv'), 'utf8')).toBe('old');
    expect(existsSync(join(dir, 'out/test.csv'))).toBe(false);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(readdirSync(join(dir, 'out'))).toEqual([]);
  });

  it('says how each attempt failed: timeout, signal, exit code, the trainer\'s OOM exit (6); then the winner, with progress lines', async () => {
    const fail: Record<string, Partial<RunProcessResult>> = {
      '1': { timedOut: true, exitCode: null, signal: 'SIGKILL' },
      '2': { exitCode: null, signal: 'SIGSEGV' },
      '3': { exitCode: 3 },
      '4': { exitCode: 6 },
      '5': { timedOut: true, exitCode: null, signal: 'SIGKILL', stderrTail: ['torch.OutOfMemoryError: CUDA out of memory.'] },
    };
    const runner = fakeRunner(({ batch, input, output }) => {
      if (fail[batch]) return fail[batch];
      writeGood(input, output, 'ok');
      return { durationMs: 1500 };
    });
    const lines: string[] = [];
    const strategies = ['1', '2', '3', '4', '5', '6'].map((b) => ({ name: `s${b}`, batch_size: Number(b), timeout_s: 9 }));
    const result = await runStrategyChain(options(runner, { strategies, log: (l) => lines.push(l) }));
    expect(result).toMatchObject({ ok: true, strategyUsed: 's6', aborted: false });
    expect(result.attempts.filter((a) => !a.ok).map((a) => a.error)).toEqual([
      'timed out after 9s; its process tree was killed',
      'killed by SIGSEGV',
      'exited with code 3',
      'CUDA out of memory; exited with code 6',
      'CUDA out of memory; timed out after 9s; its process tree was killed',
    ]);
    expect(lines).toContain('s6/dev: ok (2 predictions, 1.5s)');
    expect(lines).toContain('inference done with strategy s6');
    expect(lines.find((l) => l.startsWith('s6/test: start'))).toMatch(/^s6\/test: start \(1 items, timeout 9s\): python .*--batch-size 6/);
  });

  it('all strategies failing is a plain failure, not an abort', async () => {
    const result = await runStrategyChain(options(fakeRunner(() => ({ exitCode: 1 }))));
    expect(result).toEqual({ ok: false, strategyUsed: null, attempts: expect.any(Array), aborted: false });
    expect(result.attempts).toHaveLength(2);
  });

  it('needs at least one split', async () => {
    await expect(runStrategyChain(options(fakeRunner(() => ({})), { splits: [] }))).rejects.toThrow('runStrategyChain: no splits to predict.');
  });

  it('an aborted run logs that no predictions were replaced', async () => {
    const ac = new AbortController();
    const runner = fakeRunner(({ input, output }) => {
      writeGood(input, output, 'x');
      ac.abort(); // Ctrl-C while dev finished: test never starts, dev's output is not published
      return {};
    });
    const lines: string[] = [];
    const result = await runStrategyChain(options(runner, { signal: ac.signal, log: (l) => lines.push(l) }));
    expect(result.aborted).toBe(true);
    expect(lines).toContain('inference aborted; no predictions were replaced');
    expect(existsSync(join(dir, 'out/dev.csv'))).toBe(false);
    expect(readdirSync(join(dir, 'out')).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('keeps the end of a huge stderr in the attempt record, capped', async () => {
    const long = 'x'.repeat(3000);
    const runner = fakeRunner(() => ({ exitCode: 1, stderrTail: ['first ' + long, 'last ' + long] }));
    const { attempts } = await runStrategyChain(options(runner));
    expect(attempts[0].stderr_tail).toHaveLength(4001);
    expect(attempts[0].stderr_tail.startsWith('…')).toBe(true);
    expect(attempts[0].stderr_tail.endsWith('last ' + long)).toBe(true);
    expect(attempts[0].stderr_tail).toContain('x\nlast x'); // lines stay lines
    const short = await runStrategyChain(options(fakeRunner(() => ({ exitCode: 1, stderrTail: ['a', 'b'] }))));
    expect(short.attempts[0].stderr_tail).toBe('a\nb');
  });

  it('runs nothing when the signal is already aborted', async () => {
    const runner = fakeRunner(() => ({}));
    const ac = new AbortController();
    ac.abort();
    const result = await runStrategyChain(options(runner, { signal: ac.signal }));
    expect(result).toEqual({ ok: false, strategyUsed: null, attempts: [], aborted: true });
    expect(runner.calls).toHaveLength(0);
  });

  it('stops at an aborted attempt without trying the next strategy', async () => {
    const runner = fakeRunner(() => ({ aborted: true, exitCode: null, signal: 'SIGTERM' }));
    const result = await runStrategyChain(options(runner));
    expect(result.aborted).toBe(true);
    expect(result.attempts).toHaveLength(1);
    expect(result.attempts[0]).toMatchObject({ strategy: 'fast', ok: false, signal: 'SIGTERM' });
    expect(result.attempts[0].error).toMatch(/^aborted/);
  });

  it('rejects bad config and bad input before running anything', async () => {
    const runner = fakeRunner(() => ({}));
    await expect(runStrategyChain(options(runner, { strategies: [{ name: 'fast' }, { name: 'mine', command: 'p {input}' }] }))).rejects.toThrow(
      /strategy "mine" command has no \{output\}/,
    );
    writeFileSync(join(dir, 'test.csv'), 'id\n1\n');
    await expect(runStrategyChain(options(runner))).rejects.toThrow(/test\.csv has no fname column/);
    expect(runner.calls).toHaveLength(0);
  });
});
