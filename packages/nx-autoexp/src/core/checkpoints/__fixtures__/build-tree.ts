import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Synthetic HF Trainer output trees for tests and the benchmark: tiny but
 * real safetensors files (valid header + data), trainer_state.json with
 * log_history, tokenizer files, run records.
 */

export function tmpRoot(prefix = 'ckpt-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A valid safetensors file: 8-byte LE header length, JSON header, `floats` F32 values. */
export function safetensorsBytes(floats = 2, fill = 1): Buffer {
  const header = Buffer.from(JSON.stringify({ __metadata__: { format: 'pt' }, w: { dtype: 'F32', shape: [floats], data_offsets: [0, floats * 4] } }), 'utf8');
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(header.length));
  const data = Buffer.alloc(floats * 4);
  for (let i = 0; i < floats; i++) data.writeFloatLE(fill, i * 4);
  return Buffer.concat([len, header, data]);
}

export interface EvalPoint {
  step: number;
  [metric: string]: number;
}

export interface StateOptions {
  globalStep: number;
  evals?: EvalPoint[];
  /** Absolute path as the trainer writes it (may be from another machine). */
  bestModelCheckpoint?: string | null;
  bestMetric?: number | null;
}

export function trainerState(o: StateOptions): object {
  const log_history: object[] = [];
  for (let s = 10; s <= o.globalStep; s += 10) log_history.push({ step: s, epoch: s / 100, loss: 3 - s / 1000, learning_rate: 5e-4 });
  for (const e of o.evals ?? []) if (e.step <= o.globalStep) log_history.push({ epoch: e.step / 100, ...e });
  log_history.sort((a, b) => (a as { step: number }).step - (b as { step: number }).step);
  return {
    best_global_step: null,
    best_metric: o.bestMetric ?? null,
    best_model_checkpoint: o.bestModelCheckpoint ?? null,
    epoch: o.globalStep / 100,
    eval_steps: 10,
    global_step: o.globalStep,
    is_hyper_param_search: false,
    is_local_process_zero: true,
    is_world_process_zero: true,
    log_history,
    logging_steps: 10,
    max_steps: 1000,
    num_train_epochs: 10,
    save_steps: 10,
    train_batch_size: 8,
  };
}

export interface CheckpointOptions {
  /** full (default), adapter, sharded (2 safetensors shards + index), bin (pytorch_model.bin). */
  kind?: 'full' | 'adapter' | 'sharded' | 'bin';
  state?: StateOptions | null;
  tokenizer?: boolean;
  fill?: number;
}

export function writeJson(file: string, value: unknown): void {
  writeFileSync(file, JSON.stringify(value, null, 2));
}

/** Writes one checkpoint folder (created if needed) and returns its path. */
export function writeCheckpoint(dir: string, o: CheckpointOptions = {}): string {
  mkdirSync(dir, { recursive: true });
  const kind = o.kind ?? 'full';
  if (kind === 'adapter') {
    writeJson(join(dir, 'adapter_config.json'), { peft_type: 'LORA', r: 8, lora_alpha: 16, base_model_name_or_path: 'tiny/base', target_modules: ['q_proj', 'v_proj'] });
    writeFileSync(join(dir, 'adapter_model.safetensors'), safetensorsBytes(2, o.fill ?? 1));
  } else {
    writeJson(join(dir, 'config.json'), { model_type: 'bart', d_model: 16, vocab_size: 100 });
    writeJson(join(dir, 'generation_config.json'), { max_length: 64 });
    if (kind === 'full') writeFileSync(join(dir, 'model.safetensors'), safetensorsBytes(2, o.fill ?? 1));
    if (kind === 'sharded') {
      const shards = ['model-00001-of-00002.safetensors', 'model-00002-of-00002.safetensors'];
      for (const s of shards) writeFileSync(join(dir, s), safetensorsBytes(2, o.fill ?? 1));
      writeJson(join(dir, 'model.safetensors.index.json'), { metadata: { total_size: 16 }, weight_map: { 'a.weight': shards[0], 'b.weight': shards[1], 'c.weight': shards[1] } });
    }
    if (kind === 'bin') writeFileSync(join(dir, 'pytorch_model.bin'), Buffer.from([0x80, 0x02, 0x7d, 0x71, 0x00, 0x2e]));
  }
  if (o.tokenizer !== false) {
    writeJson(join(dir, 'tokenizer.json'), { version: '1.0', model: { type: 'WordLevel', vocab: { '<unk>': 0 } } });
    writeJson(join(dir, 'tokenizer_config.json'), { tokenizer_class: 'PreTrainedTokenizerFast' });
  }
  if (o.state) writeJson(join(dir, 'trainer_state.json'), trainerState(o.state));
  return dir;
}

export interface RunRecord {
  run_id: string;
  experiment: string;
  config_hash: string;
  status: 'running' | 'completed' | 'failed';
  started_at: string;
}

export function writeRunRecord(runDir: string, r: RunRecord): void {
  mkdirSync(runDir, { recursive: true });
  writeJson(join(runDir, 'autoexp_run.json'), { ...r, finished_at: null, final_metrics: null, best_checkpoint: null, model_type: 'seq2seq', adapter: false, base_model: null, device: 'cpu', batch_size_used: 8 });
}

/**
 * A run as the HF Trainer leaves it with save_total_limit=2 and
 * load_best_model_at_end: the best checkpoint plus the newest. Every state
 * records the best so far.
 */
export function writeRotatedRun(runDir: string, o: { steps: number[]; scores: number[]; keep?: 'best+latest' | 'all'; trainerPathPrefix?: string }): { best: number; latest: number } {
  let bestIdx = 0;
  const evals: EvalPoint[] = o.steps.map((s, i) => ({ step: s, eval_score: o.scores[i], eval_loss: 3 - o.scores[i] }));
  const bestAt: number[] = [];
  for (let i = 0; i < o.steps.length; i++) {
    if (o.scores[i] > o.scores[bestIdx]) bestIdx = i;
    bestAt.push(bestIdx);
  }
  const latest = o.steps[o.steps.length - 1];
  const best = o.steps[bestIdx];
  const prefix = o.trainerPathPrefix ?? runDir;
  for (let i = 0; i < o.steps.length; i++) {
    const s = o.steps[i];
    const keep = o.keep === 'all' || s === best || s === latest;
    if (!keep) continue;
    writeCheckpoint(join(runDir, `checkpoint-${s}`), {
      state: { globalStep: s, evals, bestModelCheckpoint: `${prefix}/checkpoint-${o.steps[bestAt[i]]}`, bestMetric: o.scores[bestAt[i]] },
    });
  }
  return { best, latest };
}
