import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { INDEX_COLUMNS, IndexRow, appendIndexText, indexNumber, indexPath, predictionDir, readIndex, readIndexFile, submissionIdOf } from './experiment-index';

// What reading the index accepts, refuses and upgrades; the writing side is in experiment-index.spec.ts.
describe('experiment index: reading', () => {
  let root: string;
  let path: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'index-read-'));
    mkdirSync(join(root, 'prediction'));
    path = indexPath(root);
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));
  const csv = (header: string[], rows: Record<string, string>[]) => [header.join(','), ...rows.map((r) => header.map((h) => r[h] ?? '').join(','))].join('\n') + '\n';

  it('lives at prediction/experiment_index.csv', () => {
    expect(predictionDir(root)).toBe(join(root, 'prediction'));
    expect(path).toBe(join(root, 'prediction', 'experiment_index.csv'));
  });

  it('is empty, in the current columns, when the file is missing or blank', () => {
    for (const text of [null, '', ' \n\n']) {
      if (text !== null) writeFileSync(path, text);
      const idx = readIndexFile(path);
      expect(idx).toEqual({ text: '', header: [...INDEX_COLUMNS], rows: [], extraColumns: [], extraValues: [] });
    }
    expect(readIndex(join(root, 'nowhere'))).toEqual([]);
  });

  it('fails on a path it cannot read for another reason than absence', () => {
    mkdirSync(path);
    expect(() => readIndexFile(path)).toThrow(/EISDIR/);
  });

  it('reads a file saved with a UTF-8 byte-order mark (as Excel writes it)', () => {
    writeFileSync(path, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(csv([...INDEX_COLUMNS], [{ experiment: 'demo', project: 'exp-demo', timestamp: 't1' }]))]));
    const idx = readIndexFile(path);
    expect(idx.header[0]).toBe('experiment');
    expect(idx.rows.map((r) => [r.experiment, r.timestamp])).toEqual([['demo', 't1']]);
  });

  it('refuses a file that is no index (no experiment or no timestamp column) and a damaged one, saying what to do', () => {
    writeFileSync(path, 'fname,summary\na,b\n');
    expect(() => readIndexFile(path)).toThrow(/not an experiment index \(header 'fname,summary'\)\. Move it aside; a new one is started\./);
    writeFileSync(path, 'experiment,score\ndemo,0.3\n');
    expect(() => readIndexFile(path)).toThrow(/not an experiment index/);
    writeFileSync(path, 'timestamp,score\nt1,0.3\n');
    expect(() => readIndexFile(path)).toThrow(/not an experiment index/);
    writeFileSync(path, `${INDEX_COLUMNS.join(',')}\n"demo,exp-demo,t1\n`);
    expect(() => readIndexFile(path)).toThrow(/The experiment index is damaged: fix that line or move the file aside/);
  });

  it('gives every column a value: those the header lacks are empty', () => {
    writeFileSync(path, csv(['experiment', 'project', 'timestamp', 'metric', 'score'], [{ experiment: 'demo', project: 'exp-demo', timestamp: 't1', metric: 'mean/mean/mecab', score: '0.3' }]));
    const [row] = readIndexFile(path).rows;
    expect(Object.keys(row)).toEqual([...INDEX_COLUMNS]);
    expect(row).toMatchObject({ experiment: 'demo', score: '0.3', note: '', public_score: '' });
  });

  describe('an index written before the metric column (score was R1 + R2 + RL)', () => {
    const OLD = INDEX_COLUMNS.filter((c) => c !== 'metric');
    const meta = (rel: string, body: unknown) => {
      mkdirSync(join(root, rel, '..'), { recursive: true });
      writeFileSync(join(root, rel), typeof body === 'string' ? body : JSON.stringify(body));
    };

    it("scores each row with the mean, under the metric of the tokenizer its metadata names ('auto' when it names none)", () => {
      meta('prediction/a_t1/experiment_metadata.json', { dev_scores: { tokenizer: 'mecab' } });
      meta('prediction/b_t2/experiment_metadata.json', { dev_scores: { tokenizer: '' } });
      meta('prediction/c_t3/experiment_metadata.json', '{ torn');
      const r = { project: '', rouge1: '0.3', rouge2: '0.12', rougeL: '0.27', score: '0.69' };
      writeFileSync(
        path,
        csv(OLD, [
          { ...r, experiment: 'a', timestamp: 't1', metadata_path: 'prediction/a_t1/experiment_metadata.json' },
          { ...r, experiment: 'b', timestamp: 't2', metadata_path: 'prediction/b_t2/experiment_metadata.json' },
          { ...r, experiment: 'c', timestamp: 't3', metadata_path: 'prediction/c_t3/experiment_metadata.json' },
          { ...r, experiment: 'd', timestamp: 't4' },
        ]),
      );
      const rows = readIndexFile(path).rows;
      expect(rows.map((x) => x.metric)).toEqual(['mean/mean/mecab', 'mean/mean/auto', 'mean/mean/auto', 'mean/mean/auto']);
      for (const x of rows) expect(Number(x.score)).toBeCloseTo(0.23, 10);
    });

    it('clears the score of a row missing one of R1/R2/RL, and leaves an unscored row unscored', () => {
      writeFileSync(
        path,
        csv(OLD, [
          { experiment: 'a', timestamp: 't1', rouge1: '0.3', rouge2: '', rougeL: '0.27', score: '0.57' },
          { experiment: 'b', timestamp: 't2', rouge1: '0.3', rouge2: '0.1', rougeL: 'x', score: '0.4' },
          { experiment: 'c', timestamp: 't3', rouge1: '', rouge2: '0.1', rougeL: '0.2', score: '0.3' },
          { experiment: 'd', timestamp: 't4', rouge1: '0.3', rouge2: '0.1', rougeL: '0.2', score: ' ' },
        ]),
      );
      expect(readIndexFile(path).rows.map((x) => [x.score.trim(), x.metric])).toEqual([['', ''], ['', ''], ['', ''], ['', '']]);
    });
  });
});

describe('submission ids', () => {
  const row = (output_path?: string): Pick<IndexRow, 'experiment' | 'timestamp' | 'output_path'> => ({ experiment: 'demo', timestamp: 't1', output_path: output_path as string });
  it("are the folder of the row's output.csv, whatever the separator; else <experiment>_<timestamp>", () => {
    expect(submissionIdOf(row('prediction/exp-demo_t0/output.csv'))).toBe('exp-demo_t0');
    expect(submissionIdOf(row('prediction\\demo_t9\\output.csv'))).toBe('demo_t9');
    expect(submissionIdOf(row(''))).toBe('demo_t1');
    expect(submissionIdOf(row(undefined))).toBe('demo_t1');
    expect(submissionIdOf(row('prediction/x_t0/output.csv.bak'))).toBe('demo_t1'); // not the upload file
  });
});

describe('appending to the index', () => {
  const row = (experiment: string): IndexRow => Object.fromEntries(INDEX_COLUMNS.map((c) => [c, c === 'experiment' ? experiment : c === 'timestamp' ? 't' : ''])) as IndexRow;
  it('starts a new index with the header, and ends an old last line before adding one', () => {
    const empty = { text: '', header: [...INDEX_COLUMNS], rows: [], extraColumns: [], extraValues: [] };
    const first = appendIndexText(empty, row('a'));
    expect(first.split('\n')[0]).toBe(INDEX_COLUMNS.join(','));
    // Rows already in a current index stay byte for byte, even where csv-stringify would quote otherwise.
    const quoted = first.replace(/^a,/m, '"a",');
    const kept = appendIndexText({ ...empty, text: quoted, rows: [row('a')] }, row('b'));
    expect(kept.startsWith(quoted)).toBe(true);
    const unterminated = first.trimEnd();
    const second = appendIndexText({ ...empty, text: unterminated, rows: [row('a')] }, row('b'));
    expect(second.startsWith(`${unterminated}\n`)).toBe(true);
    expect(second.trimEnd().split('\n').map((l) => l.split(',')[0])).toEqual(['experiment', 'a', 'b']);
  });
});

describe('indexNumber', () => {
  it.each([
    ['0.25', 0.25],
    [' 1 ', 1],
    ['', null],
    ['  ', null],
    ['n/a', null],
    ['Infinity', null],
    [undefined, null],
  ])('%j -> %j', (v, n) => expect(indexNumber(v)).toBe(n));
});
