/**
 * Fixtures from a real tiny trainer run: `python -m autoexp_trainer train`
 * (packages/trainer) trains a random-init 2-layer BART on a few Korean rows
 * with save_total_limit=2 + load_best_model_at_end, so HF rotation leaves the
 * best and the newest checkpoint. The finder must pick trainer_state's best,
 * and the manifest must catch a later change. A second tiny run trains a LoRA
 * adapter on a random llama base (adapter checkpoints + base_model/). Slow-ish
 * (two CPU training runs, ~15-30 s each), so each trains once for its assertions.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildManifest, findCheckpoint, fingerprintCheckpoint, validateCheckpoint, verifyManifest } from '../../src/core/checkpoints';
import { runProcess } from '../../src/core/process/run-process';

const WS = resolve(__dirname, '../../../..');
const PYTHON = join(WS, '.venv/bin/python');
let ws: string;
let runDir: string;
let trainerBest: string;

function csv(rows: string[][]): string {
  return rows.map((r) => r.map((c) => `"${c.replace(/"/g, '""')}"`).join(',')).join('\n') + '\n';
}

function rows(n: number, seed: number, withSummary: boolean): string[][] {
  const names = ['민수', '지영', '철수', '영희'];
  const places = ['도서관', '병원', '카페', '공항'];
  const out: string[][] = [withSummary ? ['fname', 'dialogue', 'summary', 'topic'] : ['fname', 'dialogue']];
  for (let i = 0; i < n; i++) {
    const p = places[(i * 7 + seed) % places.length];
    const who = names[(i + seed) % names.length];
    const dialogue = `#Person1#: ${who} 씨, ${p}에 언제 갈 수 있어요?\n#Person2#: 내일 오후 세 시 어때요?\n#Person1#: 좋아요, 그때 봬요.`;
    out.push(withSummary ? [`r${seed}_${i}`, dialogue, `#Person1#와 #Person2#는 ${p}에서 만날 약속을 잡는다.`, '예약'] : [`r${seed}_${i}`, dialogue]);
  }
  return out;
}

async function train(configPath: string): Promise<void> {
  const res = await runProcess(PYTHON, ['-m', 'autoexp_trainer', 'train', '--config', configPath], {
    cwd: join(WS, 'packages/trainer'),
    env: { ...process.env, HF_HUB_OFFLINE: '1', TRANSFORMERS_OFFLINE: '1', TOKENIZERS_PARALLELISM: 'false', PYTHONPATH: join(WS, 'packages/trainer') },
    timeoutMs: 240_000,
    tailLines: 30,
  });
  if (res.exitCode !== 0) throw new Error(`trainer failed (exit ${res.exitCode}) for ${configPath}:\n${res.tail.join('\n')}`);
}

beforeAll(async () => {
  if (!existsSync(PYTHON)) throw new Error(`${PYTHON} is missing: run tools/setup.sh (the trainer venv) first`);
  ws = mkdtempSync(join(tmpdir(), 'ckpt-trainer-'));
  const data = join(ws, 'data');
  mkdirSync(data);
  writeFileSync(join(data, 'train.csv'), csv(rows(24, 1, true)));
  writeFileSync(join(data, 'dev.csv'), csv(rows(4, 2, true)));
  writeFileSync(join(data, 'test.csv'), csv(rows(2, 3, false)));
  const output = join(ws, 'outputs', 'tiny');
  runDir = join(output, '20261126T081500Z-0000abcd');
  const config = {
    experiment: 'tiny',
    run_id: '20261126T081500Z-0000abcd',
    config_hash: '0000abcd'.padEnd(64, '0'),
    data: { train: join(data, 'train.csv'), dev: join(data, 'dev.csv'), test: join(data, 'test.csv'), sample_submission: null, test_references: null },
    model: {
      type: 'seq2seq', name_or_path: null, init: 'random', architecture: 'bart',
      config_overrides: { d_model: 32, encoder_layers: 1, decoder_layers: 1, encoder_attention_heads: 2, decoder_attention_heads: 2, encoder_ffn_dim: 64, decoder_ffn_dim: 64, max_position_embeddings: 128 },
      tokenizer: { name_or_path: null, vocab_size: 300 }, lora: null, quantization: 'none',
    },
    preprocess: { prefix: '', max_source_length: 96, max_target_length: 24 }, // special_tokens: the schema's default
    train: {
      output_dir: output, run_dir: runDir, num_train_epochs: 1, max_steps: 16, learning_rate: 0.003,
      per_device_train_batch_size: 8, per_device_eval_batch_size: 8, gradient_accumulation_steps: 1, warmup_ratio: 0.0, weight_decay: 0.0,
      lr_scheduler_type: 'linear', eval_strategy: 'steps', eval_steps: 4, save_steps: 4, logging_steps: 4, save_total_limit: 2,
      load_best_model_at_end: true, metric_for_best_model: 'score', greater_is_better: true, early_stopping_patience: null, seed: 42,
      fp16: false, bf16: false, max_train_samples: null, max_eval_samples: null, generation_max_length: 16, generation_num_beams: 1, report_to: 'none', extra_args: {},
    },
  };
  writeFileSync(join(ws, 'resolved-config.json'), JSON.stringify(config));
  await train(join(ws, 'resolved-config.json'));
  const states = ['checkpoint-16', 'checkpoint-12', 'checkpoint-8', 'checkpoint-4'].map((c) => join(runDir, c, 'trainer_state.json')).filter(existsSync);
  trainerBest = JSON.parse(readFileSync(states[0], 'utf8')).best_model_checkpoint;
}, 300_000);
afterAll(() => ws && rmSync(ws, { recursive: true, force: true }));

describe('a LoRA run (adapter checkpoints, base_model/ beside them)', () => {
  let loraRun: string;
  beforeAll(async () => {
    const cfg = JSON.parse(readFileSync(join(ws, 'resolved-config.json'), 'utf8'));
    loraRun = join(ws, 'outputs', 'lora', 'run-lora');
    cfg.experiment = 'lora';
    cfg.run_id = 'run-lora';
    cfg.model = {
      ...cfg.model, type: 'causal_lm', architecture: 'llama',
      config_overrides: { hidden_size: 32, num_hidden_layers: 1, num_attention_heads: 2, num_key_value_heads: 2, intermediate_size: 64, max_position_embeddings: 256 },
      lora: { r: 4, alpha: 8, dropout: 0.0, target_modules: ['q_proj', 'v_proj'] },
    };
    cfg.train = { ...cfg.train, output_dir: join(ws, 'outputs', 'lora'), run_dir: loraRun, max_steps: 8 };
    writeFileSync(join(ws, 'lora-config.json'), JSON.stringify(cfg));
    await train(join(ws, 'lora-config.json'));
  }, 300_000);

  it('finds the adapter checkpoints, skips the base model, and picks trainer_state best', () => {
    const r = findCheckpoint({ root: join(ws, 'outputs', 'lora'), policy: 'best', runId: 'run-lora' });
    expect(r.candidates.length).toBeGreaterThanOrEqual(1);
    expect(r.candidates.map((c) => [c.kind, c.valid])).toEqual(r.candidates.map(() => ['adapter', true]));
    expect(r.candidates.some((c) => c.path.includes('base_model'))).toBe(false);
    const state = JSON.parse(readFileSync(join(loraRun, 'checkpoint-8', 'trainer_state.json'), 'utf8'));
    expect(r.selected?.path).toBe(state.best_model_checkpoint);
    const m = buildManifest(r, { workspaceRoot: ws, experiment: 'lora', policy: 'best' });
    expect(m.kind).toBe('adapter');
    expect(verifyManifest(m, ws)).toEqual({ ok: true });
  });
});

it('picks trainer_state best_model_checkpoint of the run the trainer recorded', () => {
  const r = findCheckpoint({ root: join(ws, 'outputs', 'tiny'), policy: 'best', runId: '20261126T081500Z-0000abcd' });
  expect(r.runDir).toBe(runDir);
  expect(r.candidates.every((c) => c.valid && c.kind === 'full')).toBe(true);
  expect(r.candidates.length).toBeGreaterThanOrEqual(1);
  expect(r.candidates.length).toBeLessThanOrEqual(2); // save_total_limit=2
  expect(r.selected?.path).toBe(trainerBest);
  expect(r.selected?.reason).toMatch(/^best: best_model_checkpoint checkpoint-\d+ in trainer_state\.json/);
  expect(r.selected?.metric).toEqual(expect.any(Number));
  // the run record's config hash finds the same run
  expect(findCheckpoint({ root: join(ws, 'outputs', 'tiny'), policy: 'best', configHash: '0000abcd'.padEnd(64, '0') }).selected?.path).toBe(trainerBest);
  expect(findCheckpoint({ root: join(ws, 'outputs', 'tiny'), policy: 'latest' }).selected?.step).toBe(16);
});

it('the manifest of the real checkpoint verifies, then reports a truncated weight file', () => {
  const r = findCheckpoint({ root: join(ws, 'outputs', 'tiny'), policy: 'best', experiment: 'tiny' });
  const m = buildManifest(r, { workspaceRoot: ws, experiment: 'tiny', policy: 'best' });
  expect(m).toMatchObject({ path: expect.stringMatching(/^outputs\/tiny\/20261126T081500Z-0000abcd\/checkpoint-\d+$/), kind: 'full', run_id: '20261126T081500Z-0000abcd', metric: { name: 'eval_score' } });
  expect(verifyManifest(m, ws)).toEqual({ ok: true });
  const weights = join(trainerBest, 'model.safetensors');
  truncateSync(weights, statSync(weights).size - 16);
  expect(validateCheckpoint(trainerBest)).toMatchObject({ valid: false, reason: expect.stringMatching(/^model\.safetensors: truncated/) });
  expect(verifyManifest(m, ws)).toMatchObject({ ok: false, problem: 'invalid' });
  expect(fingerprintCheckpoint(trainerBest)).not.toBe(m.fingerprint);
  // With the best one broken, the finder falls back to the other kept checkpoint (if rotation kept
  // two) and says why; the broken one is listed with its reason either way.
  const others = r.candidates.filter((c) => c.path !== trainerBest);
  const again = findCheckpoint({ root: join(ws, 'outputs', 'tiny'), policy: 'best', experiment: 'tiny' });
  expect(again.selected?.path ?? null).toBe(others[0]?.path ?? null);
  expect(again.candidates.find((c) => c.path === trainerBest)).toMatchObject({ valid: false, reason: expect.stringMatching(/^model\.safetensors: truncated/) });
  const why = /best_model_checkpoint checkpoint-\d+ in trainer_state\.json of checkpoint-\d+ \(global_step \d+\) is invalid \(model\.safetensors: truncated/;
  expect(again.fallback).toEqual(others.length > 0 ? expect.stringMatching(why) : undefined);
});
