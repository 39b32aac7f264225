import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import { INDEX_COLUMNS, readIndex } from './experiment-index';
import { recordSubmission } from './record-submission';
import { SubmissionError } from './submission-error';

describe('recordSubmission', () => {
  let ws: string;
  beforeEach(() => {
    ws = mkdtempSync(join(tmpdir(), 'recsub-'));
    writeFileSync(join(ws, 'sample.csv'), ',fname,summary\n0,test_0,\n1,test_1,\n');
  });
  afterEach(() => rmSync(ws, { recursive: true, force: true }));
  const preds = (a: string, b: string, name = 'preds.csv') => {
    const p = join(ws, name);
    writeFileSync(p, `fname,summary\ntest_1,${b}\ntest_0,${a}\n`);
    return p;
  };
  const submit = (predictionsPath: string, extra: Partial<Parameters<typeof recordSubmission>[0]> = {}) =>
    recordSubmission({
      workspaceRoot: ws,
      experiment: 'kobart',
      predictionsPath,
      samplePath: join(ws, 'sample.csv'),
      metadata: {
        config: { experiment: 'kobart', config_hash: 'abc123', train: { learning_rate: 0.001 } },
        checkpoint: { path: 'outputs/kobart/r1/checkpoint-40', step: 40 },
        inference: { strategy_used: 'fast', dev_score: { rouge1: 0.3, rouge2: 0.1, rougeL: 0.25, score: 0.65 } },
      },
      now: new Date('2026-11-26T08:15:00.123Z'),
      ...extra,
    });

  it('writes the folder, history, latest and an index row', async () => {
    const r = await submit(preds('"첫째, ""요약"""', 'second'));
    expect(r).toMatchObject({
      experiment: 'kobart',
      timestamp: '20261126T081500123Z',
      outputDir: 'prediction/kobart_20261126T081500123Z',
      outputPath: 'prediction/kobart_20261126T081500123Z/output.csv',
      historyPath: 'prediction/history/output_kobart_20261126T081500123Z.csv',
      latestPath: 'prediction/latest_output.csv',
      indexPath: 'prediction/experiment_index.csv',
      duplicateOf: null,
    });
    const out = readFileSync(join(ws, r.outputPath), 'utf8');
    expect(out).toBe(',fname,summary\n0,test_0,"첫째, ""요약"""\n1,test_1,second\n');
    expect(r.warnings.join()).toMatch(/sample's order/);
    expect(r.predictionsSha256).toBe(createHash('sha256').update(out).digest('hex'));
    expect(readFileSync(join(ws, r.historyPath!), 'utf8')).toBe(out);
    expect(readFileSync(join(ws, 'prediction/latest_output.csv'), 'utf8')).toBe(out);
    const meta = JSON.parse(readFileSync(join(ws, r.metadataPath), 'utf8'));
    expect(meta).toMatchObject({
      experiment: 'kobart',
      timestamp: '20261126T081500123Z',
      config_hash: 'abc123',
      checkpoint: { step: 40 },
      dev_scores: { score: 0.65 },
      predictions: { sha256: r.predictionsSha256, rows: 2, reordered: true, allow_empty: false },
      git: null, // the temp workspace is not a git repo
      tools: { node: process.version, autoexp: expect.stringMatching(/^\d+\.\d+\.\d+/) },
    });
    const [row] = readIndex(ws);
    expect(row).toMatchObject({
      experiment: 'kobart', status: 'ok', smoke: 'false', checkpoint: 'outputs/kobart/r1/checkpoint-40', step: '40',
      score: '0.65', rouge1: '0.3', strategy: 'fast', config_hash: 'abc123', predictions_sha256: r.predictionsSha256,
      output_path: r.outputPath, metadata_path: r.metadataPath,
    });
    const raw = parse(readFileSync(join(ws, r.indexPath)), { columns: false }) as string[][];
    expect(raw[0]).toEqual([...INDEX_COLUMNS]);
  });

  it('records the metric of the dev score, and rewrites an old index scored with the sum as the mean of R1/R2/RL', async () => {
    // An index from before the metric column: score = R1 + R2 + RL; the metadata of one row says which tokenizer 'auto' picked.
    const oldHeader = INDEX_COLUMNS.filter((c) => c !== 'metric' && c !== 'warnings');
    const old = (o: Record<string, string>) => oldHeader.map((c) => o[c] ?? (c === 'status' ? 'ok' : c === 'smoke' ? 'false' : '')).join(',');
    mkdirSync(join(ws, 'prediction/old_1'), { recursive: true });
    writeFileSync(join(ws, 'prediction/old_1/experiment_metadata.json'), JSON.stringify({ dev_scores: { tokenizer: 'mecab' } }));
    writeFileSync(join(ws, 'prediction/experiment_index.csv'), [oldHeader.join(','),
      old({ experiment: 'old', timestamp: '20261101T000000000Z', score: '1.2', rouge1: '0.5', rouge2: '0.3', rougeL: '0.4', metadata_path: 'prediction/old_1/experiment_metadata.json' }),
      old({ experiment: 'older', timestamp: '20261101T000000001Z', score: '0.9', rouge1: '0.4', rouge2: '0.2', rougeL: '0.3' }),
      old({ experiment: 'torn', timestamp: '20261101T000000002Z', score: '0.9', rouge1: '0.4' }),
      old({ experiment: 'failed', timestamp: '20261101T000000003Z', status: 'failed' }),
    ].join('\n') + '\n');
    const before = readIndex(ws);
    expect(before.map((r) => [r.experiment, Number(r.score || NaN), r.metric])).toEqual([
      ['old', expect.closeTo(0.4, 12), 'mean/mean/mecab'],
      ['older', expect.closeTo(0.3, 12), 'mean/mean/auto'], // metadata gone: the tokenizer is not known
      ['torn', NaN, ''], // no R1/R2/RL to recompute from: unscored rather than on the wrong scale
      ['failed', NaN, ''],
    ]);
    await submit(preds('a', 'b'), {
      metadata: { devScores: { rouge1: 0.3, rouge2: 0.1, rougeL: 0.2, score: 0.2, metric: { aggregate: 'mean', references: 'mean', tokenizer: 'mecab' } } },
    });
    const raw = parse(readFileSync(join(ws, 'prediction/experiment_index.csv')), { columns: true }) as Record<string, string>[];
    expect(Object.keys(raw[0])).toEqual([...INDEX_COLUMNS]);
    expect(raw.map((r) => [r.experiment, r.score, r.metric])).toEqual([
      ['old', before[0].score, 'mean/mean/mecab'],
      ['older', before[1].score, 'mean/mean/auto'],
      ['torn', '', ''],
      ['failed', '', ''],
      ['kobart', '0.2', 'mean/mean/mecab'],
    ]);
    expect(readIndex(ws)[0].score).toBe(before[0].score); // rewritten once: not divided again
  });

  it('writes nothing at all for invalid predictions', async () => {
    await expect(submit(preds('a', 'nan'))).rejects.toThrow(SubmissionError);
    await expect(submit(preds('a', 'nan'))).rejects.toThrow(/nothing was written[\s\S]*test_1/);
    expect(existsSync(join(ws, 'prediction'))).toBe(false);
  });

  it('records allowEmpty in the metadata', async () => {
    const r = await submit(preds('a', 'None'), { allowEmpty: true });
    const meta = JSON.parse(readFileSync(join(ws, r.metadataPath), 'utf8'));
    expect(meta.predictions).toMatchObject({ allow_empty: true, empty_fnames: ['test_1'] });
  });

  it('flags identical predictions: index row added, no second history copy', async () => {
    const first = await submit(preds('a', 'b'));
    const again = await submit(preds('a', 'b', 'other-name.csv'), { updateLatest: false });
    expect(again.timestamp).toBe('20261126T081500123Z-2'); // same clock: suffix
    expect(again.duplicateOf).toBe(`kobart_${first.timestamp}`);
    expect(again.historyPath).toBeNull();
    expect(again.warnings.join()).toMatch(/identical \(sha256\) to submission kobart_20261126T081500123Z/);
    expect(readdirSync(join(ws, 'prediction/history'))).toEqual([`output_kobart_${first.timestamp}.csv`]);
    const rows = readIndex(ws);
    expect(rows).toHaveLength(2);
    expect(rows[1].note).toBe(`duplicate of kobart_${first.timestamp}`);
    expect(existsSync(join(ws, again.outputPath))).toBe(true);
    const third = await submit(preds('a', 'c'));
    expect(third.duplicateOf).toBeNull();
    expect(readdirSync(join(ws, 'prediction/history'))).toHaveLength(2);
  });

  it('keeps latest_output.csv when updateLatest is false', async () => {
    const first = await submit(preds('a', 'b'));
    await submit(preds('x', 'y'), { updateLatest: false });
    expect(readFileSync(join(ws, 'prediction/latest_output.csv'), 'utf8')).toBe(readFileSync(join(ws, first.outputPath), 'utf8'));
  });

  it('keeps earlier index rows byte for byte and leaves no staging folder', async () => {
    await submit(preds('a', 'b'));
    const before = readFileSync(join(ws, 'prediction/experiment_index.csv'), 'utf8');
    await submit(preds('c', 'd'), { now: new Date('2026-11-27T00:00:00.000Z') });
    const after = readFileSync(join(ws, 'prediction/experiment_index.csv'), 'utf8');
    expect(after.startsWith(before)).toBe(true);
    expect(readdirSync(join(ws, 'prediction')).filter((n) => n.startsWith('.'))).toEqual([]);
  });

  it('refuses an experiment name that is not a safe file name', async () => {
    await expect(submit(preds('a', 'b'), { experiment: '../evil' })).rejects.toThrow(/cannot be used in a file name/);
  });

  it('records git commit and dirty flag when the workspace is a repo', async () => {
    const g = (...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { cwd: ws, stdio: 'pipe' });
    g('init', '-q');
    g('add', 'sample.csv');
    g('commit', '-qm', 'init');
    const head = g('rev-parse', 'HEAD').toString().trim();
    const r = await submit(preds('a', 'b')); // preds.csv is untracked: dirty
    const meta = JSON.parse(readFileSync(join(ws, r.metadataPath), 'utf8'));
    expect(meta.git).toEqual({ commit: head, dirty: true });
  });
});
