/**
 * The strategy chain with real processes: misbehaving scripts from
 * tests/fixtures/strategies run through /bin/sh as user `command` strategies.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { formatChainFailure, runStrategyChain, RunStrategyChainOptions, StrategyConfig } from '../../src/core/infer';

const FIX = resolve(__dirname, '../fixtures/strategies');
const node = (script: string, extra = '') => `node ${FIX}/${script} {input} {output} ${extra}`.trim();
const sh = (script: string, extra = '') => `sh ${FIX}/${script} ${extra}`.trim();

let dir: string;
let lines: string[];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'infer-chain-'));
  lines = [];
  writeFileSync(join(dir, 'dev.csv'), 'fname,dialogue,summary,topic\ndev_0,"#Person1#: 안녕, 반가워",s,t\ndev_1,b,s,t\ndev_2,c,s,t\n');
  writeFileSync(join(dir, 'test.csv'), 'fname,dialogue\ntest_0,a\ntest_1,b\n');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function chain(strategies: StrategyConfig[], extra: Partial<RunStrategyChainOptions> = {}) {
  return runStrategyChain({
    experiment: 'demo',
    strategies,
    splits: [
      { name: 'dev', input: 'dev.csv', output: 'runs/demo/infer/predictions/dev.csv' },
      { name: 'test', input: 'test.csv', output: 'runs/demo/infer/predictions/test.csv' },
    ],
    python: 'python-not-used',
    checkpoint: 'outputs/demo/run/checkpoint-4',
    cwd: dir,
    log: (l) => lines.push(l),
    killGraceMs: 300,
    ...extra,
  });
}

/** Alive means running: a zombie (killed, waiting to be reaped by a PID 1 that may never reap) holds nothing. */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/** Kill delivery is asynchronous: give the kernel a moment before concluding a process survived. */
async function waitGone(pids: number[]): Promise<number[]> {
  for (let i = 0; i < 40 && pids.some(isAlive); i++) await new Promise((r) => setTimeout(r, 50));
  return pids.filter(isAlive);
}

const readPids = (file: string) => readFileSync(file, 'utf8').trim().split(/\s+/).map(Number);
const predictionsDir = () => join(dir, 'runs/demo/infer/predictions');
const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

describe('runStrategyChain with real processes', () => {
  it('falls through exit 1, a hang past its timeout, a short file and CUDA OOM to a working strategy, recording the whole path', async () => {
    const pidfile = join(dir, 'hang.pids');
    const result = await chain([
      { name: 'crash', command: sh('exit1.sh', '{output}') },
      { name: 'hang', command: sh('hang.sh', `${pidfile} {output}`), timeout_s: 1 },
      { name: 'short', command: node('short.js') },
      { name: 'oom', command: sh('oom.sh', '{output}') },
      { name: 'good', command: node('good.js', 'ok') },
    ]);

    expect(result.ok).toBe(true);
    expect(result.strategyUsed).toBe('good');
    expect(result.aborted).toBe(false);
    expect(result.attempts.map((a) => `${a.strategy}/${a.split}`)).toEqual([
      'crash/dev', 'hang/dev', 'short/dev', 'oom/dev', 'good/dev', 'good/test',
    ]);
    const [crash, hang, short, oom, goodDev, goodTest] = result.attempts;
    expect(crash).toMatchObject({ ok: false, exit_code: 1, timed_out: false, error: 'exited with code 1', output_sha256: null });
    expect(crash.stderr_tail).toContain('ValueError: tokenizer files are missing');
    expect(hang).toMatchObject({ ok: false, exit_code: null, timed_out: true, error: 'timed out after 1s; its process tree was killed' });
    expect(hang.signal).toMatch(/^SIG(TERM|KILL)$/);
    expect(short).toMatchObject({ ok: false, exit_code: 0, output_sha256: null });
    expect(short.error).toBe('exited 0 but the predictions are incomplete: 1 prediction rows for 3 inputs; 2 input fnames missing ("dev_1", "dev_2")');
    expect(oom).toMatchObject({ ok: false, exit_code: 1, error: 'CUDA out of memory; exited with code 1' });
    expect(goodDev).toMatchObject({ ok: true, exit_code: 0, error: null });
    expect(goodTest).toMatchObject({ ok: true, exit_code: 0, error: null });
    for (const a of result.attempts) {
      expect(Number.isNaN(Date.parse(a.started_at))).toBe(false);
      expect(a.duration_ms).toBeGreaterThanOrEqual(0);
    }

    // the hung script and the child it started are gone
    expect(await waitGone(readPids(pidfile))).toEqual([]);

    // the winner's files are in place, match the recorded hashes, and no temp file is left
    expect(readdirSync(predictionsDir()).sort()).toEqual(['dev.csv', 'test.csv']);
    expect(sha(join(predictionsDir(), 'dev.csv'))).toBe(goodDev.output_sha256);
    expect(sha(join(predictionsDir(), 'test.csv'))).toBe(goodTest.output_sha256);
    expect(readFileSync(join(predictionsDir(), 'test.csv'), 'utf8')).toBe(
      'fname,summary\ntest_0,"ok: ""요약"", test_0"\ntest_1,"ok: ""요약"", test_1"\n',
    );

    // progress lines were forwarded with the prefix
    expect(lines).toContain('good/dev: predict: 2/3 items, 100.0 items/s, ETA 0s');
    expect(lines).toContain('good/test: wrote 2 rows');
    expect(lines).toContain('oom/dev: torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB (GPU 0; 15.77 GiB total capacity)');
  });

  it('kills a tree that ignores SIGTERM with SIGKILL after the grace period', async () => {
    const pidfile = join(dir, 'stubborn.pids');
    // exec: the spawned process itself ignores SIGTERM (no wrapper shell to die from it)
    const result = await chain([{ name: 'stubborn', command: `IGNORE_TERM=1 exec ${sh('hang.sh', `${pidfile} {output}`)}`, timeout_s: 1 }]);
    expect(result.ok).toBe(false);
    expect(result.attempts).toHaveLength(1);
    expect(result.attempts[0]).toMatchObject({ timed_out: true, ok: false, signal: 'SIGKILL', exit_code: null });
    expect(await waitGone(readPids(pidfile))).toEqual([]);
  });

  it('when every strategy fails, gives one error listing each attempt and the rerun commands, and keeps earlier predictions', async () => {
    mkdirSync(predictionsDir(), { recursive: true });
    writeFileSync(join(predictionsDir(), 'dev.csv'), 'previous run');
    const result = await chain([
      { name: 'crash', command: sh('exit1.sh', '{output}') },
      { name: 'short', command: node('short.js') },
      { name: 'oom', command: sh('oom.sh', '{output}') },
    ]);
    expect(result).toMatchObject({ ok: false, strategyUsed: null, aborted: false });
    const text = formatChainFailure(result, { experiment: 'demo', rerunHint: (s) => `npx nx run exp-demo:infer --strategy=${s}` });
    expect(text).toBe(
      [
        'demo: inference failed: none of 3 strategies produced complete predictions (3 attempts):',
        `  1. crash/dev (${(result.attempts[0].duration_ms / 1000).toFixed(1)}s): exited with code 1`,
        '       | predict: loading checkpoint',
        '       | ValueError: tokenizer files are missing',
        `  2. short/dev (${(result.attempts[1].duration_ms / 1000).toFixed(1)}s): exited 0 but the predictions are incomplete: 1 prediction rows for 3 inputs; 2 input fnames missing ("dev_1", "dev_2")`,
        '       | predict: done',
        `  3. oom/dev (${(result.attempts[2].duration_ms / 1000).toFixed(1)}s): CUDA out of memory; exited with code 1`,
        '       | predict: 16/500 items, 40.0 items/s, ETA 12s',
        '       | torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB (GPU 0; 15.77 GiB total capacity)',
        'To rerun one strategy alone:',
        '  npx nx run exp-demo:infer --strategy=crash',
        '  npx nx run exp-demo:infer --strategy=short',
        '  npx nx run exp-demo:infer --strategy=oom',
      ].join('\n'),
    );
    expect(readdirSync(predictionsDir())).toEqual(['dev.csv']);
    expect(readFileSync(join(predictionsDir(), 'dev.csv'), 'utf8')).toBe('previous run');
  });

  it('an abort (the Nx task got SIGINT) kills the running tree and stops the chain', async () => {
    const pidfile = join(dir, 'abort.pids');
    const marker = join(dir, 'next-strategy-ran');
    const ac = new AbortController();
    const running = chain(
      [
        { name: 'slow', command: sh('hang.sh', `${pidfile} {output}`), timeout_s: 60 },
        { name: 'next', command: `touch ${marker}; ${node('good.js')}` },
      ],
      { signal: ac.signal },
    );
    for (let i = 0; i < 200 && !existsSync(pidfile); i++) await new Promise((r) => setTimeout(r, 25));
    expect(existsSync(pidfile)).toBe(true);
    ac.abort();
    const result = await running;

    expect(result).toMatchObject({ ok: false, strategyUsed: null, aborted: true });
    expect(result.attempts).toHaveLength(1);
    expect(result.attempts[0]).toMatchObject({ strategy: 'slow', split: 'dev', ok: false, timed_out: false });
    expect(result.attempts[0].error).toMatch(/^aborted/);
    expect(await waitGone(readPids(pidfile))).toEqual([]);
    expect(existsSync(marker)).toBe(false);
    expect(readdirSync(predictionsDir())).toEqual([]);
  });

  it('substituted paths with spaces and quotes reach the command intact', async () => {
    const odd = join(dir, `it's a "dir" $HOME`);
    mkdirSync(odd);
    writeFileSync(join(odd, 'test.csv'), 'fname,dialogue\ntest_0,a\n');
    const result = await runStrategyChain({
      experiment: 'demo',
      strategies: [{ name: 'quoted', command: `node ${FIX}/good.js "{input}" {output} '{checkpoint}'` }],
      splits: [{ name: 'test', input: join(odd, 'test.csv'), output: join(odd, 'out put.csv') }],
      python: 'unused',
      checkpoint: join(odd, 'ckpt'),
      cwd: dir,
      log: () => undefined,
    });
    expect(result.ok).toBe(true);
    // good.js used its third argument (the checkpoint path) as the summary tag
    expect(readFileSync(join(odd, 'out put.csv'), 'utf8')).toBe(`fname,summary\ntest_0,"${join(odd, 'ckpt').replace(/"/g, '""')}: ""요약"", test_0"\n`);
  });

  it('runs the built-in trainer predict: the default chain backs off from an OOM at batch 16 to batch 4 in fp32', async () => {
    const argLog = join(dir, 'fake-python.log');
    const { defaultStrategies } = await import('../../src/core/infer');
    const result = await chain(defaultStrategies({ batch_size: 16, num_beams: 2, max_new_tokens: 40 }), {
      python: join(FIX, 'fake-python.js'),
      env: { ...process.env, FAKE_PYTHON_LOG: argLog },
    });
    expect(result.strategyUsed).toBe('conservative');
    expect(result.attempts.map((a) => `${a.strategy}/${a.split}:${a.error ?? 'ok'}`)).toEqual([
      'fast/dev:CUDA out of memory; exited with code 6',
      'conservative/dev:ok',
      'conservative/test:ok',
    ]);
    const calls = readFileSync(argLog, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as string[]);
    const flag = (args: string[], f: string) => args[args.indexOf(f) + 1];
    expect(calls.map((c) => [flag(c, '--batch-size'), flag(c, '--dtype'), flag(c, '--num-beams'), flag(c, '--max-new-tokens')])).toEqual([
      ['16', 'auto', '2', '40'],
      ['4', 'fp32', '2', '40'],
      ['4', 'fp32', '2', '40'],
    ]);
    expect(flag(calls[0], '--checkpoint')).toBe(join(dir, 'outputs/demo/run/checkpoint-4'));
    expect(readFileSync(join(predictionsDir(), 'dev.csv'), 'utf8')).toBe('fname,summary\ndev_0,bs4 fp32\ndev_1,bs4 fp32\ndev_2,bs4 fp32\n');
  });
});
