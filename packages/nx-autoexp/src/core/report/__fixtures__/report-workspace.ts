/**
 * A small workspace as the report reads it, without training: data, runs/,
 * prediction/ (index + metadata) and fake checkpoint folders holding only
 * trainer_state.json. Shared by the report's unit tests and its e2e test.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { readCsv, toCsvText } from '../../submission/csv-io';
import { INDEX_COLUMNS, IndexRow } from '../../submission/experiment-index';
import { projectOf } from '../../naming/experiment-names';

export const DEV_COUNT = 25;
export const TOPICS = ['날씨', '쇼핑', '여행', '회의 일정'];
/** A dialogue that would break the page if any text were injected as HTML. */
export const HOSTILE_DIALOGUE = '#Person1#: </script><b>굵게</b> & "따옴표" <!-- 주석\n#Person2#: <img src=x onerror=alert(1)> 괜찮아요.';

export interface DevRow {
  fname: string;
  dialogue: string;
  summary: string;
  topic: string;
}

export function devRows(): DevRow[] {
  return Array.from({ length: DEV_COUNT }, (_, i) => ({
    fname: `dev_${i}`,
    dialogue: i === 3 ? HOSTILE_DIALOGUE : `#Person1#: 안녕하세요, ${i}번 손님. 오늘 날씨가 좋네요.\n#Person2#: 네, 그래서 ${i}시에 공원에 가려고 해요.`,
    summary: `#Person2#는 ${i}시에 공원에 가려고 한다.`,
    topic: TOPICS[i % TOPICS.length],
  }));
}

/** Predictions: alpha copies the reference of even items, beta of every third; the rest is off. */
export function predictionsFor(folder: 'alpha' | 'beta'): { fname: string; summary: string }[] {
  return devRows().map((r, i) => ({
    fname: r.fname,
    summary: (folder === 'alpha' ? i % 2 === 0 : i % 3 === 0) ? r.summary : `${folder} 모델은 ${i}번 대화를 잘 모르겠다.`,
  }));
}

const write = (root: string, rel: string, text: string) => {
  mkdirSync(dirname(join(root, rel)), { recursive: true });
  writeFileSync(join(root, rel), text);
};
const csv = (header: string[], rows: Record<string, string>[]) => toCsvText(header, rows.map((r) => header.map((h) => r[h])));

export interface Submission {
  /** The experiment name, also its runs/ and outputs/ folder. */
  experiment: string;
  timestamp: string;
  score: number;
  step: number;
  checkpoint: string;
  smoke?: boolean;
  strategy: string;
  lr: number;
  extra?: Record<string, unknown>;
}

/** trainer_state.json of a checkpoint at `step`, logging loss every 10 steps and eval every 20. */
function trainerState(step: number, best: number, runDir: string, evalScore: (s: number) => number, loss: (s: number) => number) {
  const log: Record<string, number>[] = [];
  for (let s = 10; s <= step; s += 10) {
    log.push({ epoch: s / 20, loss: loss(s), learning_rate: 0.001, step: s });
    if (s % 20 === 0) log.push({ epoch: s / 20, eval_loss: 7 - s / 30, eval_score: evalScore(s), eval_rouge1: evalScore(s) / 3, step: s });
  }
  log.push({ epoch: step / 20, step, train_loss: 6.5, train_runtime: 12.3 });
  return { global_step: step, best_global_step: best, best_metric: evalScore(best), best_model_checkpoint: `/abs/elsewhere/${runDir}/checkpoint-${best}`, log_history: log };
}

export const ALPHA_EVAL = (s: number) => ({ 20: 0.5, 40: 0.9, 60: 0.8 })[s] ?? 0;
export const BETA_EVAL = (s: number) => ({ 20: 0.4, 40: 0.6 })[s] ?? 0;
export const ALPHA_LOSS = (s: number) => 8 - s / 20;
export const BETA_LOSS = (s: number) => 8.5 - s / 40;

/** Writes a submission's folder (empty output, metadata with its config and dev scores) and returns its index row. */
function writeSubmission(root: string, s: Submission): IndexRow {
  const id = `${s.experiment}_${s.timestamp}`;
  const config = {
    data: { dir: 'data/rep', train: 'train.csv', dev: 'dev.csv', test: 'test.csv', sample_submission: 'sample_submission.csv', test_references: null },
    model: { type: 'seq2seq', name_or_path: null, init: 'random', architecture: 'bart', lora: null, ...(s.extra ?? {}) },
    train: { output_dir: 'outputs/{experiment}', learning_rate: s.lr, num_train_epochs: 3 },
  };
  write(root, `prediction/${id}/output.csv`, 'fname,summary\n');
  write(
    root,
    `prediction/${id}/experiment_metadata.json`,
    JSON.stringify({
      version: 1,
      experiment: s.experiment,
      timestamp: s.timestamp,
      config,
      config_hash: `${s.experiment}0hash`.padEnd(64, '0'),
      checkpoint: { version: 1, experiment: s.experiment, path: s.checkpoint, step: s.step, kind: 'full', policy: 'best' },
      inference: { experiment: s.experiment, strategy_used: s.strategy, attempts: [] },
      dev_scores: { score: s.score, rouge1: s.score / 2, rouge2: s.score / 5, rougeL: s.score * 0.3 },
    }),
  );
  return {
    experiment: s.experiment,
    project: projectOf(s.experiment),
    timestamp: s.timestamp,
    status: 'ok',
    smoke: String(!!s.smoke),
    checkpoint: s.checkpoint,
    step: String(s.step),
    score: String(s.score),
    rouge1: String(s.score / 2),
    rouge2: String(s.score / 5),
    rougeL: String(s.score * 0.3),
    strategy: s.strategy,
    config_hash: `${s.experiment}0hash`.padEnd(64, '0'),
    // One file per submission, as submit writes them (lb record tells identical files apart by this).
    predictions_sha256: createHash('sha256').update(id).digest('hex'),
    output_path: `prediction/${id}/output.csv`,
    metadata_path: `prediction/${id}/experiment_metadata.json`,
    tracker: '',
    metric: '',
    warnings: '',
    baselines: '',
    note: '',
    // Leaderboard scores are recorded by the tests that need them (autoexp lb record).
    public_score: '',
    private_score: '',
    submitted_at: '',
  };
}

/**
 * Writes the fixture into `root`:
 * - alpha: best (dev score 0.9), checkpoint-40 kept next to checkpoint-60 (the whole log).
 * - beta: two submissions (0.5 then 0.6); its checkpoint-40 folder is gone, checkpoint-50 remains.
 * - gamma: a smoke submission (0.99), delta: a failed one; neither is ranked by default.
 */
export function buildReportWorkspace(root: string): { devPath: string } {
  const dev = devRows();
  write(root, 'data/rep/dev.csv', csv(['fname', 'dialogue', 'summary', 'topic'], dev as unknown as Record<string, string>[]));
  for (const folder of ['alpha', 'beta'] as const) {
    write(root, `runs/${folder}/infer/predictions/dev.csv`, csv(['fname', 'summary'], predictionsFor(folder)));
  }
  write(root, 'outputs/alpha/run1/checkpoint-40/trainer_state.json', JSON.stringify(trainerState(40, 40, 'run1', ALPHA_EVAL, ALPHA_LOSS)));
  write(root, 'outputs/alpha/run1/checkpoint-60/trainer_state.json', JSON.stringify(trainerState(60, 40, 'run1', ALPHA_EVAL, ALPHA_LOSS)));
  write(root, 'outputs/beta/run1/checkpoint-50/trainer_state.json', JSON.stringify(trainerState(50, 40, 'run1', BETA_EVAL, BETA_LOSS)));

  const subs: Submission[] = [
    { experiment: 'beta', timestamp: '20261126T080000000Z', score: 0.5, step: 40, checkpoint: 'outputs/beta/run1/checkpoint-40', strategy: 'fast', lr: 0.0005 },
    { experiment: 'alpha', timestamp: '20261126T081000000Z', score: 0.9, step: 40, checkpoint: 'outputs/alpha/run1/checkpoint-40', strategy: 'fast', lr: 0.001, extra: { lora: { r: 8 } } },
    { experiment: 'beta', timestamp: '20261126T082000000Z', score: 0.6, step: 40, checkpoint: 'outputs/beta/run1/checkpoint-40', strategy: 'conservative', lr: 0.0005 },
    { experiment: 'gamma', timestamp: '20261126T083000000Z', score: 0.99, step: 10, checkpoint: 'outputs/gamma/run1/checkpoint-10', strategy: 'fast', lr: 0.01, smoke: true },
  ];
  const rows: IndexRow[] = subs.map((s) => writeSubmission(root, s));
  // A failed run wrote no files: no output or metadata path.
  rows.push({ ...rows[0], experiment: 'delta', project: projectOf('delta'), timestamp: '20261126T084000000Z', status: 'failed', score: '', output_path: '', metadata_path: '', note: 'training failed' });
  write(root, 'prediction/experiment_index.csv', toCsvText([...INDEX_COLUMNS], rows.map((r) => INDEX_COLUMNS.map((c) => r[c]))));
  return { devPath: join(root, 'data/rep/dev.csv') };
}

/** More submissions in a workspace made by buildReportWorkspace: their folders and index rows (appended). */
export function addSubmissions(root: string, subs: Submission[]): void {
  const path = join(root, 'prediction/experiment_index.csv');
  const rows = readCsv(path).rows as unknown as IndexRow[];
  const all = [...rows, ...subs.map((s) => writeSubmission(root, s))];
  write(root, 'prediction/experiment_index.csv', toCsvText([...INDEX_COLUMNS], all.map((r) => INDEX_COLUMNS.map((c) => r[c] ?? ''))));
}
