// What the checkpoint finder reads from HF's trainer_state.json: a damaged or hand-made file must read
// as "no state" or "no value", never as a wrong step or score that would pick the wrong checkpoint.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultMode, metricByStep, readTrainerState, resolveMetricName, TrainerState } from './trainer-state';

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'trainer-state-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));
const withState = (text: string) => {
  writeFileSync(join(dir, 'trainer_state.json'), text);
  return readTrainerState(dir);
};
const state = (global_step: number | null, log_history: Array<Record<string, unknown>>): TrainerState => ({ global_step, best_model_checkpoint: null, best_global_step: null, best_metric: null, log_history });

describe('readTrainerState', () => {
  it('reads the fields the finder uses', () => {
    const s = withState(JSON.stringify({ global_step: 20, best_model_checkpoint: 'runs/r/checkpoint-10', best_global_step: 10, best_metric: 0.5, log_history: [{ step: 10, eval_score: 0.5 }] }));
    expect(s).toEqual({ global_step: 20, best_model_checkpoint: 'runs/r/checkpoint-10', best_global_step: 10, best_metric: 0.5, log_history: [{ step: 10, eval_score: 0.5 }] });
  });

  it('is null for a missing, truncated or non-object file', () => {
    expect(readTrainerState(dir)).toBeNull();
    expect(withState('{"global_step": 2')).toBeNull();
    expect(withState('null')).toBeNull();
    expect(withState('7')).toBeNull();
  });

  it('drops values of the wrong kind instead of trusting them', () => {
    const s = withState(JSON.stringify({ global_step: '20', best_model_checkpoint: '', best_global_step: null, best_metric: 'nan', log_history: [null, 3, { step: 5, eval_score: 0.1 }] }));
    expect(s).toEqual({ global_step: null, best_model_checkpoint: null, best_global_step: null, best_metric: null, log_history: [{ step: 5, eval_score: 0.1 }] });
    expect(withState(JSON.stringify({ global_step: 3, log_history: { step: 1 } }))?.log_history).toEqual([]);
  });
});

describe('resolveMetricName', () => {
  const states = [state(10, [{ step: 5, loss: 2 }, { step: 10, eval_score: 0.4 }])];
  it('adds eval_ only when the bare name was never logged', () => {
    expect(resolveMetricName('score', states)).toBe('eval_score');
    expect(resolveMetricName('loss', states)).toBe('loss');
    expect(resolveMetricName('eval_score', [])).toBe('eval_score');
    expect(resolveMetricName('bleu', states)).toBe('bleu');
  });
});

describe('metricByStep', () => {
  it('the newest state wins for a step it also logs, whatever the order the states come in', () => {
    const older = state(10, [{ step: 10, eval_score: 0.2 }]);
    const newer = state(20, [{ step: 10, eval_score: 0.3 }, { step: 20, eval_score: 0.6 }]);
    const noStep = state(null, [{ step: 10, eval_score: 0.9 }]);
    for (const order of [[older, newer, noStep], [newer, noStep, older]]) {
      expect([...metricByStep(order, 'eval_score')].sort()).toEqual([[10, 0.3], [20, 0.6]]);
    }
  });

  it('skips rows without a numeric step or value', () => {
    const s = state(10, [{ eval_score: 0.5 }, { step: '5', eval_score: 0.5 }, { step: 6, eval_score: null }, { step: 7, eval_score: 0.7 }]);
    expect([...metricByStep([s], 'eval_score')]).toEqual([[7, 0.7]]);
  });
});

describe('defaultMode', () => {
  it('losses go down, everything else up', () => {
    expect(defaultMode('eval_loss')).toBe('min');
    expect(defaultMode('EVAL_LOSS')).toBe('min');
    expect(defaultMode('eval_score')).toBe('max');
    expect(defaultMode('eval_loss_ratio')).toBe('max');
  });
});
