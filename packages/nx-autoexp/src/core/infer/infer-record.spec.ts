import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildInferRecord, writeInferRecord } from './infer-record';
import type { ChainResult } from './strategy-chain';

describe('infer record', () => {
  it('has the docs/architecture.md shape and is written atomically as JSON', () => {
    const dir = mkdtempSync(join(tmpdir(), 'infer-record-'));
    try {
      const result: ChainResult = {
        ok: true, strategyUsed: 'fast', aborted: false,
        attempts: [{ strategy: 'fast', split: 'test', started_at: '2026-11-26T08:00:00.000Z', duration_ms: 1234, exit_code: 0, signal: null,
          timed_out: false, ok: true, error: null, stderr_tail: 'predict: 2/2 items', output_sha256: 'ab'.repeat(32) }],
      };
      const record = buildInferRecord({
        experiment: 'demo',
        checkpoint: { path: 'outputs/demo/r/checkpoint-40', step: 40, fingerprint: 'sha256:00' },
        result,
      });
      expect(record.dev_score).toBeNull();
      record.dev_score = { rouge1: 0.3, rouge2: 0.1, rougeL: 0.28, score: 0.68 };
      const path = join(dir, 'infer', 'infer-record.json');
      writeInferRecord(path, record);
      const back = JSON.parse(readFileSync(path, 'utf8'));
      expect(Object.keys(back)).toEqual(['experiment', 'checkpoint', 'attempts', 'strategy_used', 'dev_score']);
      expect(Object.keys(back.attempts[0])).toEqual([
        'strategy', 'split', 'started_at', 'duration_ms', 'exit_code', 'signal', 'timed_out', 'ok', 'error', 'stderr_tail', 'output_sha256',
      ]);
      expect(back).toEqual(record);
      expect(back.strategy_used).toBe('fast');
      expect(readdirSync(join(dir, 'infer'))).toEqual(['infer-record.json']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
