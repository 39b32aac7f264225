import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readInputFnames, validatePredictions } from './validate-predictions';

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'validate-preds-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const inputs = ['test_0', 'test_1', 'test_2'];
function file(content: string | Buffer): string {
  const p = join(dir, 'pred.csv');
  writeFileSync(p, content);
  return p;
}
const reasonOf = (p: string, fnames = inputs) => {
  const r = validatePredictions(p, fnames);
  if (r.ok) throw new Error('expected a failure');
  return r.reason;
};

describe('validatePredictions', () => {
  it('accepts one non-empty row per fname in order and returns the sha256 of the bytes', () => {
    const content = '\ufefffname,summary\ntest_0,"요약, 하나"\ntest_1,"multi\nline ""quoted"""\ntest_2,셋\n';
    const p = file(content);
    expect(validatePredictions(p, inputs)).toEqual({ ok: true, sha256: createHash('sha256').update(content).digest('hex') });
  });

  it('accepts extra columns in any order', () => {
    expect(validatePredictions(file('summary,id,fname\na,1,test_0\nb,2,test_1\nc,3,test_2\n'), inputs).ok).toBe(true);
  });

  it('fails for a missing file and for an empty file', () => {
    expect(reasonOf(join(dir, 'nope.csv'))).toMatch(/no output file was written at .*nope\.csv/);
    expect(reasonOf(file(''))).toMatch(/is empty/);
    expect(reasonOf(file('\n\n'))).toMatch(/is empty/);
  });

  it('fails for a header without fname or summary', () => {
    expect(reasonOf(file('id,text\ntest_0,a\n'))).toMatch(/must have columns fname and summary \(got: id,text\)/);
  });

  it('reports missing rows of a short file', () => {
    expect(reasonOf(file('fname,summary\ntest_0,a\n'))).toBe('1 prediction rows for 3 inputs; 2 input fnames missing ("test_1", "test_2")');
  });

  it('reports extra and duplicate rows', () => {
    const r = reasonOf(file('fname,summary\ntest_0,a\ntest_1,b\ntest_2,c\ntest_9,d\ntest_1,e\n'));
    expect(r).toContain('5 prediction rows for 3 inputs');
    expect(r).toContain('1 rows with fnames not in the input ("test_9")');
    expect(r).toContain('1 duplicate rows ("test_1")');
  });

  it('reports the first row out of order', () => {
    expect(reasonOf(file('fname,summary\ntest_0,a\ntest_2,c\ntest_1,b\n'))).toBe(
      'rows out of order: data row 2 is "test_2", expected "test_1"',
    );
  });

  it('reports empty and whitespace-only summaries by fname', () => {
    expect(reasonOf(file('fname,summary\ntest_0,a\ntest_1,\ntest_2,"  "\n'))).toBe('2 empty summaries ("test_1", "test_2")');
  });

  it('names only the first few examples', () => {
    const many = Array.from({ length: 10 }, (_, i) => `f${i}`);
    expect(reasonOf(file('fname,summary\n'), many)).toContain('10 input fnames missing ("f0", "f1", "f2" and 7 more)');
  });

  it('fails for predictions that are not UTF-8, naming the byte and the line, and for a path it cannot read', () => {
    const p = file(Buffer.concat([Buffer.from('fname,summary\ntest_0,'), Buffer.from([0xbf, 0xe4]), Buffer.from('\n')]));
    expect(reasonOf(p)).toBe(`${p} is not valid UTF-8 at byte offset 21 (line 2); the predictor must write UTF-8`);
    expect(reasonOf(dir)).toMatch(new RegExp(`^cannot read ${dir}: EISDIR`));
  });

  it('needs both fname and summary in the header, spaces around names allowed', () => {
    expect(reasonOf(file('fname,text\ntest_0,a\n'))).toMatch(/must have columns fname and summary \(got: fname,text\)/);
    expect(reasonOf(file('id,summary\ntest_0,a\n'))).toMatch(/must have columns fname and summary \(got: id,summary\)/);
    expect(validatePredictions(file(' fname , summary \ntest_0,a\ntest_1,b\ntest_2,c\n'), inputs).ok).toBe(true);
  });

  it('says "out of order" only when the fnames are right, and from the first row on', () => {
    expect(reasonOf(file('fname,summary\ntest_0,a\ntest_2,c\n'))).toBe('2 prediction rows for 3 inputs; 1 input fnames missing ("test_1")');
    expect(reasonOf(file('fname,summary\ntest_0,a\ntest_2,c\ntest_2,c\n'))).toBe('1 input fnames missing ("test_1"); 1 duplicate rows ("test_2")');
    expect(reasonOf(file('fname,summary\ntest_1,b\ntest_0,a\ntest_2,c\n'))).toBe('rows out of order: data row 1 is "test_1", expected "test_0"');
  });

  it('names all examples when there are no more than three', () => {
    expect(reasonOf(file('fname,summary\n'))).toBe('0 prediction rows for 3 inputs; 3 input fnames missing ("test_0", "test_1", "test_2")');
  });

  it('fails for malformed CSV instead of throwing', () => {
    expect(reasonOf(file('fname,summary\ntest_0,"unterminated\n'))).toMatch(/is not valid CSV/);
  });
});

describe('readInputFnames', () => {
  it('returns the fnames in order', () => {
    expect(readInputFnames(file('fname,dialogue\na,"x, y"\nb,z\n'))).toEqual(['a', 'b']);
  });
  it.each([
    ['dialogue\nx\n', /has no fname column \(header: dialogue\)/],
    ['fname,dialogue\n', /has no rows/],
    ['fname,dialogue\na,x\na,y\n', /fname "a" appears twice \(data row 2\)/],
    ['fname,dialogue\na,x\n,y\n', /: data row 2 has an empty fname\.$/],
    ['', /has no fname column \(header: none\); fix the file or data paths in the experiment config\.$/],
    ['fname,dialogue\na,"unterminated\n', /^inference input .* is not valid CSV/],
  ])('rejects %j', (content, message) => {
    expect(() => readInputFnames(file(content))).toThrow(message);
  });
  it('trims header names and refuses non-UTF-8 input (a CP949 file would reach the predictor as mojibake)', () => {
    expect(readInputFnames(file(' fname ,dialogue\na,x\n'))).toEqual(['a']);
    expect(() => readInputFnames(file(Buffer.concat([Buffer.from('fname,dialogue\na,'), Buffer.from([0xbf, 0xe4]), Buffer.from('\n')])))).toThrow(/^inference input .*UTF-8/);
  });
  it('names a file that cannot be read', () => {
    expect(() => readInputFnames(join(dir, 'missing.csv'))).toThrow(/cannot read inference input .*missing\.csv/);
  });
});
