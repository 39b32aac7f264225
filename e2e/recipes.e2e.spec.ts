/**
 * Issue 15: every shipped real-model recipe runs end to end, offline, with real
 * nx, on model-faithful snapshots (tools/snapshots/build_snapshots.py) of its
 * base model in an HF hub cache: KoBART and mT5 as shipped (smoke, and a full
 * run with only max_steps lowered, so the recipe's own eval/save settings are
 * exercised), the qlora recipe as LoRA (not 4-bit) on the Qwen2.5 snapshot,
 * and the 4-bit recipe on this CPU machine exiting 7 with its message.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO, Workspace } from './workspace';

const PYTHON = join(REPO, '.venv', 'bin', 'python');

function buildSnapshots(): string {
  const r = spawnSync(PYTHON, [join(REPO, 'tools', 'snapshots', 'build_snapshots.py')], { encoding: 'utf8', env: { ...process.env, TOKENIZERS_PARALLELISM: 'false' } });
  if (r.status !== 0) throw new Error(`snapshot build failed:\n${r.stderr}`);
  return r.stdout.trim().split('\n').pop() as string;
}

describe('real-model recipes on offline snapshots', () => {
  const ws = new Workspace('recipes');
  let env: NodeJS.ProcessEnv;
  const nx = (...args: string[]) => ws.run(join(ws.root, 'node_modules', '.bin', 'nx'), args, env);
  const autoexp = (...args: string[]) => ws.run('node', [join(REPO, 'packages', 'nx-autoexp', 'bin', 'autoexp.js'), ...args], env);
  const evalScores = (out: string) => [...out.matchAll(/eval at step \d+: score ([\d.]+)/g)].map((m) => Number(m[1]));

  beforeAll(() => {
    env = { HF_HOME: buildSnapshots(), HF_HUB_OFFLINE: '1' };
  });

  it('kobart: preview shows </s> closing every label; smoke submit runs', () => {
    const p = autoexp('preview', 'kobart', '--rows', '4');
    expect(p.code).toBe(0);
    const labels = [...p.out.matchAll(/labels \((\d+) tokens\):\n(.*)/g)].map((m) => m[2]);
    expect(labels).toHaveLength(4);
    for (const l of labels) expect(l.endsWith('</s>')).toBe(true);
    expect(p.out).toMatch(/encoder input \(\d+ tokens\):\n<s>#Person1#/);
    expect(p.out).toMatch(/truncated at the configured lengths: \d+ of \d+ train rows/);

    const r = nx('run', 'exp-kobart:submit', '-c', 'smoke');
    expect({ code: r.code, tail: r.code === 0 ? '' : r.out.slice(-3000) }).toEqual({ code: 0, tail: '' });
    expect(r.out).toContain('every label ends in </s>');
    expect(r.out).toContain('train.fp16 is true but no CUDA GPU is available; training in fp32');
    expect(ws.exists('runs/kobart/smoke/submit/receipt.json')).toBe(true);
  });

  it('kobart full run, only max_steps lowered: the recipe\'s epoch eval and save work, eval_score is not 0', () => {
    // A 3-step run of a tiny snapshot writes one summary for every row: submitted anyway, as the tiny demos are.
    ws.write('experiments/kobart-full/experiment.yaml', 'extends: ../kobart/experiment.yaml\ntrain:\n  max_steps: 3\nsubmit:\n  allow_degenerate: true\n');
    const r = nx('run', 'exp-kobart-full:submit');
    expect({ code: r.code, tail: r.code === 0 ? '' : r.out.slice(-3000) }).toEqual({ code: 0, tail: '' });
    const scores = evalScores(r.out);
    expect(scores.length).toBeGreaterThan(0);
    expect(scores.some((s) => s > 0)).toBe(true);
    expect(r.out).toContain('evaluation decodes like infer: max_new_tokens=100 (infer.max_new_tokens), num_beams=4 (infer.num_beams), no_repeat_ngram_size=2');
    expect(r.out).not.toContain('There were missing keys in the checkpoint');
  });

  it('mt5: smoke submit runs (its tokenizer appends </s> itself)', () => {
    const r = nx('run', 'exp-mt5:submit', '-c', 'smoke');
    expect({ code: r.code, tail: r.code === 0 ? '' : r.out.slice(-3000) }).toEqual({ code: 0, tail: '' });
    expect(r.out).not.toContain('the tokenizer adds no');
    expect(r.out).toContain('train.bf16 is true but this device has no bf16 support; training in fp32');
  });

  it('qlora recipe as LoRA on the Qwen2.5 snapshot: chat template, tag rows trainable, smoke submit runs', () => {
    const g = nx('g', '@autoexp/nx-autoexp:experiment', 'qwen-lora', '--recipe', 'qlora');
    expect(g.code).toBe(0);
    ws.edit('experiments/qwen-lora/experiment.yaml', (t) => t.replace('quantization: 4bit', 'quantization: none'));
    const r = nx('run', 'exp-qwen-lora:submit', '-c', 'smoke');
    expect({ code: r.code, tail: r.code === 0 ? '' : r.out.slice(-3000) }).toEqual({ code: 0, tail: '' });
    expect(r.out).toContain("prompts use the tokenizer's chat template");
    expect(r.out).toMatch(/LoRA: the 15 dialogue tag rows of embed_tokens train \(peft trainable_token_indices; the tied output layer follows\)/);
    // The adapter checkpoint carries the tag rows it trained.
    const ckpt = JSON.parse(ws.read('runs/qwen-lora/smoke/train/checkpoint.json')).path as string;
    const keys = ws.run(PYTHON, ['-c', `from safetensors import safe_open; print("\\n".join(safe_open(${JSON.stringify(join(ws.root, ckpt, 'adapter_model.safetensors'))}, "pt").keys()))`]);
    expect(keys.out).toMatch(/trainable_tokens/);
  });

  it('qlora recipe as shipped (4-bit) on a CPU machine: exit 7 with its message', () => {
    const g = nx('g', '@autoexp/nx-autoexp:experiment', 'qwen-4bit', '--recipe', 'qlora');
    expect(g.code).toBe(0);
    const r = nx('run', 'exp-qwen-4bit:train', '-c', 'smoke');
    expect(r.code).not.toBe(0);
    expect(r.out).toContain('exit code 7');
    expect(r.out).toContain("model.quantization is '4bit' (QLoRA), which needs a CUDA GPU");
  });
});
