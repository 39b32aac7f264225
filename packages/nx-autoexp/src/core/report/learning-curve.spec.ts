import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TrainerState } from '../checkpoints/trainer-state';
import { ALPHA_EVAL, ALPHA_LOSS, buildReportWorkspace } from './__fixtures__/report-workspace';
import { learningCurve, readLearningCurve } from './learning-curve';

const state = (over: Partial<TrainerState>): TrainerState => ({
  global_step: null,
  best_model_checkpoint: null,
  best_global_step: null,
  best_metric: null,
  log_history: [],
  ...over,
});

describe('learningCurve', () => {
  it('takes train loss and eval score per step, sorted, ignoring the final train summary', () => {
    const curve = learningCurve(
      [
        state({
          global_step: 40,
          log_history: [
            { loss: 5, step: 20 },
            { loss: 7, step: 10 },
            { eval_score: 0.3, eval_loss: 6, step: 20 },
            { eval_score: 0.5, step: 40 },
            { train_loss: 5.5, train_runtime: 3, step: 40 },
            { loss: 'NaN', step: 30 },
          ],
        }),
      ],
      'x/trainer_state.json',
    );
    expect(curve.trainLoss).toEqual([
      { step: 10, value: 7 },
      { step: 20, value: 5 },
    ]);
    expect(curve.evalScore).toEqual([
      { step: 20, value: 0.3 },
      { step: 40, value: 0.5 },
    ]);
    expect(curve.source).toBe('x/trainer_state.json');
  });

  it('marks the best checkpoint of the newest state, by best_global_step', () => {
    const older = state({ global_step: 20, best_global_step: 20, log_history: [{ eval_score: 0.4, step: 20 }] });
    const newer = state({ global_step: 60, best_global_step: 40, log_history: [{ eval_score: 0.41, step: 20 }, { eval_score: 0.6, step: 40 }, { eval_score: 0.5, step: 60 }] });
    const curve = learningCurve([newer, older], 's');
    expect(curve.best).toEqual({ step: 40, value: 0.6 });
    // The newest record of a step wins when logs overlap.
    expect(curve.evalScore[0]).toEqual({ step: 20, value: 0.41 });
  });

  it('falls back to the checkpoint-<N> name of best_model_checkpoint, and to no mark at all', () => {
    const byName = learningCurve([state({ global_step: 30, best_model_checkpoint: '/runs/x/checkpoint-30/', log_history: [{ eval_score: 0.2, step: 30 }] })], 's');
    expect(byName.best).toEqual({ step: 30, value: 0.2 });
    const unlogged = learningCurve([state({ global_step: 30, best_global_step: 25, log_history: [{ eval_score: 0.2, step: 30 }] })], 's');
    expect(unlogged.best).toEqual({ step: 25, value: null });
    expect(learningCurve([state({ global_step: 30, log_history: [{ loss: 1, step: 30 }] })], 's').best).toBeNull();
  });
});

describe('readLearningCurve', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'report-curve-'));
    buildReportWorkspace(root);
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('reads the whole log from the newest sibling checkpoint of the chosen one', () => {
    const found = readLearningCurve(root, 'outputs/alpha/run1/checkpoint-40');
    expect(found.checkpointGone).toBe(false);
    expect(found.curve?.source).toBe('outputs/alpha/run1/checkpoint-60/trainer_state.json');
    expect(found.curve?.trainLoss).toEqual([10, 20, 30, 40, 50, 60].map((s) => ({ step: s, value: ALPHA_LOSS(s) })));
    expect(found.curve?.evalScore).toEqual([20, 40, 60].map((s) => ({ step: s, value: ALPHA_EVAL(s) })));
    expect(found.curve?.best).toEqual({ step: 40, value: 0.9 });
  });

  it('says the checkpoint folder is gone but still draws from a sibling', () => {
    const found = readLearningCurve(root, 'outputs/beta/run1/checkpoint-40');
    expect(found.checkpointGone).toBe(true);
    expect(found.curve?.source).toBe('outputs/beta/run1/checkpoint-50/trainer_state.json');
  });

  it('gives a reason when no trainer_state.json is left', () => {
    const found = readLearningCurve(root, 'outputs/gamma/run1/checkpoint-10');
    expect(found.curve).toBeNull();
    expect(found.checkpointGone).toBe(true);
    expect(found.curve === null && found.reason).toMatch(/checkpoint folder gone \(outputs\/gamma\/run1\/checkpoint-10\)/);
  });
});
