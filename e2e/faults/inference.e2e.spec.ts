/**
 * Issue 7, inference faults: every strategy failing, incomplete predictions
 * (missing, extra, duplicate fnames, empty summaries) and a hanging predictor.
 * infer fails with each attempt and the rerun command; neither prediction/ nor
 * the last good predictions change.
 */
import { parse } from 'csv-parse/sync';
import { join } from 'node:path';
import { addExperiment, expectFault, faultWorkspace, predictCmd, predictionSnapshot, standInYaml, waitGone } from './support';

const strategies = (...list: [string, string][]) =>
  `infer:\n  timeout_s: 60\n  strategies:\n${list.map(([name, cmd]) => `    - name: ${name}\n      command: "${cmd}"\n`).join('')}`;

describe('faults: inference', () => {
  const { ws, before } = faultWorkspace('infer');

  it('every strategy fails: each attempt with its error, and how to rerun each strategy', () => {
    addExperiment(ws, 'i-allfail', standInYaml({ infer: strategies(['fast', predictCmd('fail')], ['careful', predictCmd('fail')]) }));
    const r = ws.nx('run', 'exp-i-allfail:submit');
    expectFault(ws, r, before, [
      'none of 2 strategies produced complete predictions',
      /fast\/dev \([\d.]+s\): exited with code 1/,
      /careful\/dev \([\d.]+s\): exited with code 1/,
      'stand-in predictor failed',
      'npx nx run exp-i-allfail:infer --strategy=fast --skip-nx-cache',
      'npx nx run exp-i-allfail:infer --strategy=careful --skip-nx-cache',
    ]);
    expect(ws.exists('runs/i-allfail/infer/predictions/test.csv')).toBe(false);
  });

  const bad: [string, string, (string | RegExp)[]][] = [
    ['missing', 'a missing fname', ['exited 0 but the predictions are incomplete', '1 input fnames missing', '"dev_']],
    ['extra', 'an extra fname', ['exited 0 but the predictions are incomplete', 'fnames not in the input ("not_in_test")']],
    ['dup', 'a duplicate fname', ['exited 0 but the predictions are incomplete', '1 duplicate rows ("dev_']],
    ['empty', 'an empty summary', ['exited 0 but the predictions are incomplete', '1 empty summaries ("dev_']],
  ];
  for (const [mode, what, words] of bad) {
    it(`predictions with ${what}: names the fname, rerun command`, () => {
      addExperiment(ws, `i-${mode}`, standInYaml({ predict: mode }));
      const r = ws.nx('run', `exp-i-${mode}:submit`);
      expectFault(ws, r, before, [...words, `npx nx run exp-i-${mode}:infer --strategy=standin --skip-nx-cache`]);
      expect(ws.list(`runs/i-${mode}/infer/predictions`)).toEqual([]);
    });
  }

  it('one summary on every row: infer refuses it (identical, share, fnames, causes); submit.allow_degenerate lets it through, the index warns', () => {
    addExperiment(ws, 'i-constant', standInYaml({ predict: 'constant' }));
    const r = ws.nx('run', 'exp-i-constant:submit');
    expectFault(ws, r, before, [/dev predictions: degenerate predictions \(identical: identical summaries\): 100\.0% of rows \(\d+ of \d+\) are the same summary/, /e\.g\. dev_\d+, dev_\d+/, 'too few training steps', 'submit.allow_degenerate: true']);
    ws.edit('experiments/i-constant/experiment.yaml', (t) => t + 'submit:\n  allow_degenerate: true\n');
    const ok = ws.nx('run', 'exp-i-constant:submit');
    expect(ok.code).toBe(0);
    expect(ok.out).toMatch(/warning: dev predictions: degenerate predictions \(identical[\s\S]*Accepted because of submit\.allow_degenerate/);
    const index = parse(ws.read('prediction/experiment_index.csv'), { columns: true }) as Record<string, string>[];
    expect(index.find((x) => x.experiment === 'i-constant' && x.project === 'exp-i-constant')?.warnings).toBe('identical 100.0% (refused: allowed by allow_degenerate)');
  });

  for (const mode of ['hang', 'stubborn']) {
    it(`a ${mode === 'hang' ? 'hanging predictor' : 'hanging predictor that ignores SIGTERM'} (timeout_s 1): timed out, its process killed, rerun command`, async () => {
      const pidFile = join(ws.root, 'tmp', `${mode}.pid`);
      addExperiment(ws, `i-${mode}`, standInYaml({ infer: `infer:\n  strategies:\n    - name: slow\n      timeout_s: 1\n      command: "${predictCmd(mode, pidFile)}"\n` }));
      const r = ws.nx('run', `exp-i-${mode}:submit`);
      expectFault(ws, r, before, ['timed out after 1s; its process tree was killed', `npx nx run exp-i-${mode}:infer --strategy=slow --skip-nx-cache`]);
      expect(await waitGone(Number(ws.read(`tmp/${mode}.pid`)))).toBe(true);
    });
  }

  it('a failing re-infer after a good one: fails, and the last good predictions stay byte-identical', () => {
    addExperiment(ws, 'i-keep', standInYaml());
    expect(ws.nx('run', 'exp-i-keep:infer').code).toBe(0);
    const good = ws.read('runs/i-keep/infer/predictions/test.csv');
    ws.edit('experiments/i-keep/experiment.yaml', (t) => t.replace(' ok {input}', ' missing {input}'));
    const r = ws.nx('run', 'exp-i-keep:submit', '--skip-nx-cache');
    expectFault(ws, r, before, ['exited 0 but the predictions are incomplete', 'input fnames missing']);
    expect(ws.read('runs/i-keep/infer/predictions/test.csv')).toBe(good);
    expect(predictionSnapshot(ws)).toEqual(before);
  });
});
