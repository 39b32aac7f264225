import { formatChainFailure } from './chain-failure';
import type { Attempt, ChainResult } from './strategy-chain';

const attempt = (a: Partial<Attempt>): Attempt => ({
  strategy: 'fast', split: 'dev', started_at: '2026-11-26T08:00:00.000Z', duration_ms: 1500, exit_code: 1, signal: null,
  timed_out: false, ok: false, error: 'exited with code 1', stderr_tail: '', output_sha256: null, ...a,
});
const rerunHint = (s: string) => `npx nx run exp-demo:infer --strategy=${s}`;

describe('formatChainFailure', () => {
  it('lists every attempt with its reason and last stderr lines, then one rerun command per strategy', () => {
    const result: ChainResult = {
      ok: false, strategyUsed: null, aborted: false,
      attempts: [
        attempt({ error: 'CUDA out of memory; exited with code 1', stderr_tail: 'a\nb\nc\nRuntimeError: CUDA out of memory\n' }),
        attempt({ strategy: 'conservative', split: 'dev', ok: true, error: null, exit_code: 0, duration_ms: 2000 }),
        attempt({ strategy: 'conservative', split: 'test', timed_out: true, exit_code: null, signal: 'SIGTERM', error: 'timed out after 1s; its process tree was killed' }),
      ],
    };
    expect(formatChainFailure(result, { experiment: 'demo', rerunHint })).toBe(
      [
        'demo: inference failed: none of 2 strategies produced complete predictions (3 attempts):',
        '  1. fast/dev (1.5s): CUDA out of memory; exited with code 1',
        '       | b',
        '       | c',
        '       | RuntimeError: CUDA out of memory',
        '  2. conservative/dev (2.0s): ok',
        '  3. conservative/test (1.5s): timed out after 1s; its process tree was killed',
        'To rerun one strategy alone:',
        '  npx nx run exp-demo:infer --strategy=fast',
        '  npx nx run exp-demo:infer --strategy=conservative',
      ].join('\n'),
    );
  });

  it('says the run was interrupted when aborted', () => {
    const text = formatChainFailure({ ok: false, strategyUsed: null, aborted: true, attempts: [attempt({ error: 'aborted' })] }, { experiment: 'x', rerunHint });
    expect(text.split('\n')[0]).toBe('x: inference was interrupted; no predictions were replaced. Attempts:');
    expect(text).toContain('npx nx run exp-demo:infer --strategy=fast');
  });
});
