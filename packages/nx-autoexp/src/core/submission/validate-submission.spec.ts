import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateSubmission } from './validate-submission';

describe('validateSubmission', () => {
  let dir: string;
  let n = 0;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'valsub-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const file = (text: string | Buffer): string => {
    const p = join(dir, `f${n++}.csv`);
    writeFileSync(p, text);
    return p;
  };
  const SAMPLE = 'fname,summary\ntest_0,\ntest_1,\ntest_2,\n';
  const check = (preds: string | Buffer, sample = SAMPLE, allowEmpty = false) =>
    validateSubmission({ predictionsPath: file(preds), samplePath: file(sample), allowEmpty });

  it('accepts matching predictions and returns rows in the sample order', () => {
    const r = check('fname,summary\ntest_0,a\ntest_1,b\ntest_2,c\n');
    expect(r.ok).toBe(true);
    expect(r.errors).toEqual([]);
    expect(r.warnings).toEqual([]);
    expect(r.reordered).toBe(false);
    expect(r.header).toEqual(['fname', 'summary']);
    expect(r.rows).toEqual([['test_0', 'a'], ['test_1', 'b'], ['test_2', 'c']]);
  });

  it('reorders rows that only differ in order, with a warning', () => {
    const r = check('fname,summary\ntest_2,c\ntest_0,a\ntest_1,b\n');
    expect(r.ok).toBe(true);
    expect(r.reordered).toBe(true);
    expect(r.warnings.join()).toMatch(/not in the sample's order/);
    expect(r.rows.map((x) => x[0])).toEqual(['test_0', 'test_1', 'test_2']);
  });

  it('fills a leading index column from the sample when predictions are fname,summary', () => {
    const sample = ',fname,summary\n0,test_0,\n1,test_1,\n2,test_2,\n';
    const r = check('fname,summary\ntest_1,b\ntest_0,a\ntest_2,c\n', sample);
    expect(r.ok).toBe(true);
    expect(r.header).toEqual(['', 'fname', 'summary']);
    expect(r.rows).toEqual([['0', 'test_0', 'a'], ['1', 'test_1', 'b'], ['2', 'test_2', 'c']]);
    const r2 = check('fname,summary\ntest_0,a\ntest_1,b\ntest_2,c\n', 'id,fname,summary\n7,test_0,\n8,test_1,\n9,test_2,\n');
    expect(r2.rows[2]).toEqual(['9', 'test_2', 'c']);
  });

  it('works on BOM + CRLF input', () => {
    const r = check(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('fname,summary\r\ntest_0,a\r\ntest_1,"b, ""q""\r\nx"\r\ntest_2,c\r\n')]));
    expect(r.ok).toBe(true);
    expect(r.rows[1]).toEqual(['test_1', 'b, "q"\r\nx']);
  });

  it('reports missing fnames with count and the first 10', () => {
    const sample = 'fname,summary\n' + Array.from({ length: 15 }, (_, i) => `t${i},\n`).join('');
    const r = check('fname,summary\nt0,a\n', sample);
    expect(r.ok).toBe(false);
    expect(r.stats.missing).toBe(14);
    expect(r.errors[0]).toMatch(/14 fname\(s\) of the sample have no prediction \(first 10: t1, t2, t3, t4, t5, t6, t7, t8, t9, t10, \.\.\. \(4 more\)\)/);
    expect(r.rows).toEqual([]);
  });

  it('reports extra and duplicate fnames', () => {
    const r = check('fname,summary\ntest_0,a\ntest_1,b\ntest_1,b2\ntest_2,c\ntest_9,z\n');
    expect(r.ok).toBe(false);
    expect(r.stats).toMatchObject({ extra: 1, duplicates: 1, missing: 0 });
    expect(r.errors.some((e) => /1 fname\(s\) are not in the sample \(first 10: test_9\)/.test(e))).toBe(true);
    expect(r.errors.some((e) => /1 fname\(s\) appear more than once \(first 10: test_1\)/.test(e))).toBe(true);
  });

  it.each([['nan'], ['None'], ['null'], ['   '], ['']])('rejects the summary %j', (bad) => {
    const r = check(`fname,summary\ntest_0,a\ntest_1,${bad}\ntest_2,c\n`);
    expect(r.ok).toBe(false);
    expect(r.emptyFnames).toEqual(['test_1']);
    expect(r.errors[0]).toMatch(/1 row\(s\) have an empty or null .*test_1.*--allow-empty/);
  });

  it('accepts empty summaries with allowEmpty and records them', () => {
    const r = check('fname,summary\ntest_0,NaN\ntest_1,b\ntest_2,\n', SAMPLE, true);
    expect(r.ok).toBe(true);
    expect(r.allowEmpty).toBe(true);
    expect(r.emptyFnames).toEqual(['test_0', 'test_2']);
    expect(r.warnings.join()).toMatch(/accepted because of --allow-empty/);
    expect(r.rows[0]).toEqual(['test_0', 'NaN']);
  });

  it('requires the sample columns and rejects unknown ones', () => {
    const r = check('fname,Summary \ntest_0,a\ntest_1,b\ntest_2,c\n');
    expect(r.ok).toBe(false);
    expect(r.errors.join('\n')).toMatch(/no 'summary' column \(found 'Summary ': rename it to 'summary'\)/);
    const r2 = check('fname,summary,topic\ntest_0,a,x\ntest_1,b,x\ntest_2,c,x\n');
    expect(r2.errors.join('\n')).toMatch(/column\(s\) not in the sample: 'topic'/);
  });

  it('drops a stray leading pandas index column with a warning', () => {
    const r = check(',fname,summary\n0,test_0,a\n1,test_1,b\n2,test_2,c\n');
    expect(r.ok).toBe(true);
    expect(r.header).toEqual(['fname', 'summary']);
    expect(r.warnings.join()).toMatch(/ignored index column\(s\) '' \(row numbers\)/);
  });

  it('places values by column name when the sample has its columns in another order (summary,fname)', () => {
    const r = check('fname,summary\ntest_1,b\ntest_0,a\ntest_2,c\n', 'summary,fname\n,test_0\n,test_1\n,test_2\n');
    expect(r.ok).toBe(true);
    expect(r.header).toEqual(['summary', 'fname']);
    expect(r.rows).toEqual([['a', 'test_0'], ['b', 'test_1'], ['c', 'test_2']]);
    // The empty check runs on the summary column wherever it is.
    const empty = check('fname,summary\ntest_0,\ntest_1,b\ntest_2,c\n', 'summary,fname\n,test_0\n,test_1\n,test_2\n');
    expect(empty.ok).toBe(false);
    expect(empty.errors.join()).toMatch(/1 row\(s\) have an empty .* summary \(first 10: test_0\)/);
  });

  it('never copies the summary (or a non-index column) from the sample: predictions without it are refused', () => {
    const r = check('fname,text\ntest_0,a\ntest_1,b\ntest_2,c\n', 'summary,fname\n,test_0\n,test_1\n,test_2\n');
    expect(r.ok).toBe(false);
    expect(r.errors.join('\n')).toMatch(/no 'summary' column/);
    const r2 = check('fname,summary\ntest_0,a\ntest_1,b\ntest_2,c\n', 'fname,summary,topic\ntest_0,,x\ntest_1,,y\ntest_2,,z\n');
    expect(r2.errors.join('\n')).toMatch(/no 'topic' column/);
    // A trailing index column is still recognized by its row numbers.
    const r3 = check('fname,summary\ntest_0,a\ntest_1,b\ntest_2,c\n', 'fname,summary,id\ntest_0,,0\ntest_1,,1\ntest_2,,2\n');
    expect(r3.rows).toEqual([['test_0', 'a', '0'], ['test_1', 'b', '1'], ['test_2', 'c', '2']]);
  });

  it('refuses a NUL byte in a summary, naming the fname', () => {
    const r = check('fname,summary\ntest_0,a\ntest_1,b\u0000c\ntest_2,c\n');
    expect(r.ok).toBe(false);
    expect(r.errors.join()).toMatch(/1 row\(s\) have a NUL or other control character in summary \(first 10: test_1\)/);
  });

  it('refuses every null spelling pandas writes, and any control character, not only NUL', () => {
    const r = check('fname,summary\ntest_0,nan\ntest_1,None\ntest_2,NULL\n');
    expect(r.ok).toBe(false);
    expect(r.emptyFnames).toEqual(['test_0', 'test_1', 'test_2']);
    expect(r.errors.join()).toContain('3 row(s) have an empty or null ("nan"/"None"/"null") summary (first 10: test_0, test_1, test_2). Fix the generation');
    const bell = check('fname,summary\ntest_0,a\ntest_1,b\u0007c\ntest_2,c\n');
    expect(bell.errors.join()).toMatch(/1 row\(s\) have a NUL or other control character in summary \(first 10: test_1\)/);
    expect(check('fname,summary\ntest_0,a\ttab\ntest_1,"two\nlines"\ntest_2,c\n').ok).toBe(true);
  });

  it('lists ten fnames at most, and says how many more only when there are more', () => {
    const ten = 'fname,summary\n' + Array.from({ length: 10 }, (_, i) => `t${i},\n`).join('');
    expect(check('fname,summary\n', ten).errors[0]).toMatch(/10 fname\(s\) of the sample have no prediction \(first 10: t0, t1, t2, t3, t4, t5, t6, t7, t8, t9\)/);
    const eleven = ten + 't10,\n';
    expect(check('fname,summary\n', eleven).errors[0]).toContain('(first 10: t0, t1, t2, t3, t4, t5, t6, t7, t8, t9, ... (1 more))');
  });

  it('shows an empty fname and control characters in one visibly', () => {
    const r = check('fname,summary\ntest_0,a\ntest_1,b\ntest_2,c\n', 'fname,summary\ntest_0,\n"te\u0001st",\ntest_2,\n');
    expect(r.errors.join('\n')).toContain('(first 10: "te\\u0001st")');
  });

  it('a column that only differs in case from the sample\'s is named with the fix', () => {
    const r = check('FNAME,summary\ntest_0,a\ntest_1,b\ntest_2,c\n');
    expect(r.errors.join('\n')).toMatch(/no 'fname' column \(found 'FNAME': rename it to 'fname'\)/);
  });

  it('quotes fnames whose blanks would be invisible', () => {
    const r = check('fname,summary\ntest_0,a\ntest_1,b\ntest_2,c\n', 'fname,summary\ntest_0,\ntest_1 ,\ntest_2,\n');
    expect(r.errors.join('\n')).toContain('1 fname(s) of the sample have no prediction (first 10: "test_1 ")');
  });

  it('turns unreadable files into errors instead of throwing', () => {
    const r = validateSubmission({ predictionsPath: join(dir, 'missing.csv'), samplePath: file(SAMPLE) });
    expect(r.ok).toBe(false);
    expect(r.errors[0]).toMatch(/missing\.csv: file not found/);
    const bad = check(Buffer.from([0x66, 0x6e, 0x61, 0x6d, 0x65, 0x0a, 0xff]));
    expect(bad.errors[0]).toMatch(/not valid UTF-8 at byte offset 6 \(line 2\)/);
  });
  it('names an empty fname as (empty) instead of printing nothing', () => {
    const r = check('fname,summary\ntest_0,a\ntest_1,b\ntest_2,c\n,d\n');
    expect(r.errors.join('\n')).toContain('1 fname(s) are not in the sample (first 10: (empty))');
  });

  it('offers a rename only when a column of the other spelling exists', () => {
    const r = check('fname,text\ntest_0,a\ntest_1,b\ntest_2,c\n');
    const missing = r.errors.find((e) => e.includes("no 'summary' column"));
    expect(missing).toContain("no 'summary' column; the sample's header is 'fname,summary'.");
    expect(r.errors.join('\n')).not.toMatch(/found|rename/);
  });

  it('refuses a sample without an fname column, pointing at --sample', () => {
    const r = check('fname,summary\ntest_0,a\n', 'id,summary\n0,\n');
    expect(r.ok).toBe(false);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatch(/: the sample has no 'fname' column; header is 'id,summary'\. Point --sample at the competition's sample_submission\.csv\./);
    expect(r.rows).toEqual([]);
  });

  it('refuses a sample that itself repeats fnames', () => {
    const r = check('fname,summary\ntest_0,a\ntest_1,b\n', 'fname,summary\ntest_0,\ntest_1,\ntest_0,\ntest_1,\n');
    expect(r.ok).toBe(false);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toContain('the sample itself has 2 duplicate fname(s) (first 10: test_0, test_1). Use the competition\'s original sample_submission.csv.');
  });

  it('a refused submission has no header, rows, empty fnames or findings to write', () => {
    for (const r of [check('fname,summary\ntest_0,a\n'), validateSubmission({ predictionsPath: join(dir, 'none.csv'), samplePath: file(SAMPLE) })]) {
      expect(r.ok).toBe(false);
      expect(r).toMatchObject({ reordered: false, header: [], rows: [], emptyFnames: [], degenerate: [] });
    }
    expect(validateSubmission({ predictionsPath: join(dir, 'none.csv'), samplePath: file(SAMPLE) }).stats).toEqual({ sampleRows: 0, predictionRows: 0, missing: 0, extra: 0, duplicates: 0, empty: 0 });
  });

  describe('degenerate predictions (one summary everywhere)', () => {
    const sample = 'fname,summary\n' + Array.from({ length: 10 }, (_, i) => `t${i},\n`).join('');
    const same = 'fname,summary\n' + Array.from({ length: 10 }, (_, i) => `t${i},the same words\n`).join('');
    const third = 'fname,summary\n' + Array.from({ length: 10 }, (_, i) => `t${i},${i < 4 ? 'the same words' : `summary number ${i}`}\n`).join('');
    const run = (preds: string, allowDegenerate?: boolean) =>
      validateSubmission({ predictionsPath: file(preds), samplePath: file(sample), allowDegenerate });

    it('are refused with the allow_degenerate hint and nothing to write', () => {
      const r = run(same);
      expect(r.ok).toBe(false);
      expect(r.rows).toEqual([]);
      expect(r.degenerate.map((f) => [f.check, f.refuse])).toEqual([['identical', true]]);
      expect(r.errors).toHaveLength(1);
      expect(r.errors[0]).toMatch(/identical summaries.* Refused: set submit\.allow_degenerate: true in the experiment/);
    });

    it('are accepted with allowDegenerate, the finding kept as a warning', () => {
      const r = run(same, true);
      expect(r.ok).toBe(true);
      expect(r.rows).toHaveLength(10);
      expect(r.warnings).toHaveLength(1);
      expect(r.warnings[0]).toMatch(/identical summaries.* Accepted because of allow_degenerate\.$/);
    });

    it('below the refuse threshold only warn, without the hint', () => {
      const r = run(third);
      expect(r.ok).toBe(true);
      expect(r.degenerate.map((f) => [f.check, f.refuse])).toEqual([['identical', false]]);
      expect(r.warnings).toHaveLength(1);
      expect(r.warnings[0]).toMatch(/identical summaries/);
      expect(r.warnings[0]).not.toMatch(/Accepted|Refused/);
    });
  });

  describe('which extra columns are row numbers (ignored) and which are data (refused)', () => {
    const rows = (vals: string[]) => 'fname,summary,extra\n' + vals.map((v, i) => `test_${i},s${i},${v}\n`).join('');
    it('row numbers of several digits are an index', () => {
      const r = check(rows(['10', '11', '12']));
      expect(r.ok).toBe(true);
      expect(r.warnings.join()).toMatch(/ignored index column\(s\) 'extra'/);
    });
    it.each([[['a1', 'b2', 'c3']], [['1a', '2b', '3c']], [['1', 'b', '3']]])('%j is data, refused', (vals) => {
      const r = check(rows(vals));
      expect(r.ok).toBe(false);
      expect(r.errors.join()).toMatch(/column\(s\) not in the sample: 'extra'/);
    });
  });
});
