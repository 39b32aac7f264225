/**
 * The config contract (issue 15): the orchestrator's real output is the
 * trainer's only input. For every shipped experiment and every generator
 * recipe, the resolved config that buildResolvedConfig writes (and its smoke
 * variant, as `-c smoke` writes it) goes through the trainer's own parser and
 * build_training_args (`python -m autoexp_trainer check-config`). Defaults
 * live only in the JSON Schema, so a key that needs a value the schema leaves
 * null (eval_steps for eval_strategy steps) must fail here, not at train time.
 */
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadExperiment } from '../../src/core/config/load-experiment';
import { buildResolvedConfig } from '../../src/core/config/resolved-config';
import { applySmoke } from '../../src/core/pipeline/train-step';
import { listRecipes, renderRecipe } from '../../src/generators/experiment/render-recipe';
import { runProcess } from '../../src/core/process/run-process';

const WS = resolve(__dirname, '../../../..');
const PYTHON = join(WS, '.venv/bin/python');
let root: string;

async function checkConfig(files: string[]): Promise<{ code: number | null; out: string }> {
  const res = await runProcess(PYTHON, ['-m', 'autoexp_trainer', 'check-config', ...files.flatMap((f) => ['--config', f])], {
    cwd: WS,
    env: { ...process.env, HF_HUB_OFFLINE: '1', TRANSFORMERS_OFFLINE: '1', PYTHONPATH: join(WS, 'packages/trainer') },
    timeoutMs: 120_000,
    tailLines: 200,
  });
  return { code: res.exitCode, out: res.tail.join('\n') };
}

/** A workspace with the shipped base.yaml and experiments, plus one experiment per recipe. */
function workspace(): { root: string; experiments: string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'contract-'));
  cpSync(join(WS, 'config'), join(dir, 'config'), { recursive: true });
  const shipped = readdirSync(join(WS, 'experiments'));
  for (const name of shipped) cpSync(join(WS, 'experiments', name), join(dir, 'experiments', name), { recursive: true });
  const recipes = listRecipes().map((r) => `recipe-${r}`);
  for (const r of listRecipes()) {
    mkdirSync(join(dir, 'experiments', `recipe-${r}`), { recursive: true });
    writeFileSync(join(dir, 'experiments', `recipe-${r}`, 'experiment.yaml'), renderRecipe(r, '../../schema.json'));
  }
  return { root: dir, experiments: [...shipped, ...recipes] };
}

function writeResolved(dir: string, name: string, smoke: boolean): string {
  const exp = loadExperiment(dir, name);
  const runId = `20261201T000000Z-${exp.hashes.train.slice(0, 8)}${smoke ? '-smoke' : ''}`;
  const resolved = smoke ? applySmoke(buildResolvedConfig(dir, exp, runId)) : buildResolvedConfig(dir, exp, runId);
  const file = join(dir, 'resolved', `${name}${smoke ? '.smoke' : ''}.json`);
  mkdirSync(join(dir, 'resolved'), { recursive: true });
  writeFileSync(file, JSON.stringify(resolved, null, 2));
  return file;
}

afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('resolved config -> trainer contract', () => {
  it('every shipped experiment and every recipe, with and without -c smoke, passes the trainer checks', async () => {
    const ws = workspace();
    root = ws.root;
    expect(ws.experiments).toEqual(expect.arrayContaining(['kobart', 'mt5', 'recipe-kobart', 'recipe-mt5', 'recipe-qlora']));
    const files = ws.experiments.flatMap((name) => [writeResolved(ws.root, name, false), writeResolved(ws.root, name, true)]);
    const r = await checkConfig(files);
    expect({ code: r.code, out: r.code === 0 ? '' : r.out }).toEqual({ code: 0, out: '' });
    for (const f of files) expect(r.out).toContain(`ok ${f}`);
    // The recipes' own evaluation settings reach HF unchanged: epoch-wise eval and save, best by score.
    expect(r.out).toContain(`ok ${join(ws.root, 'resolved', 'kobart.json')}: eval epoch, save epoch, best by score (greater_is_better=True)`);
    // Evaluation during training decodes as the submission will: the infer section's settings.
    expect(r.out).toContain(
      `ok ${join(ws.root, 'resolved', 'kobart.json')}: eval epoch, save epoch, best by score (greater_is_better=True); ` +
        'eval decoding max_new_tokens=100 (infer.max_new_tokens), num_beams=4 (infer.num_beams), no_repeat_ngram_size=2 (infer.no_repeat_ngram_size)',
    );
    // A loss metric keeps the lowest loss (HF's rule) unless greater_is_better is set.
    const exp = loadExperiment(ws.root, 'kobart');
    const lossCfg = buildResolvedConfig(ws.root, exp, 'run-loss') as { train: Record<string, unknown> };
    lossCfg.train.metric_for_best_model = 'loss';
    const lossFile = join(ws.root, 'resolved', 'loss.json');
    writeFileSync(lossFile, JSON.stringify(lossCfg));
    const loss = await checkConfig([lossFile]);
    expect(loss.out).toContain('best by loss (greater_is_better=False)');
  }, 180_000);

  it('fails, naming the key, when eval_strategy is steps and eval_steps is not set', async () => {
    const ws = workspace();
    const dir = ws.root;
    try {
      const exp = loadExperiment(dir, 'kobart');
      const resolved = buildResolvedConfig(dir, exp, 'run-steps') as { train: Record<string, unknown> };
      resolved.train.eval_strategy = 'steps';
      const file = join(dir, 'steps.json');
      writeFileSync(file, JSON.stringify(resolved));
      const r = await checkConfig([file]);
      expect(r.code).toBe(4);
      expect(r.out).toContain("key 'train.eval_steps' is needed because train.eval_strategy is 'steps'");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
