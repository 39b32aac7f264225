import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCsv, writeCsv } from './csv-io';

describe('readCsv / writeCsv', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'csvio-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads UTF-8 with BOM and CRLF, and reports both', () => {
    const p = join(dir, 'a.csv');
    writeFileSync(p, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('fname,summary\r\ntest_0,"안녕, ""세상""\r\n둘째 줄"\r\ntest_1,b\r\n')]));
    const t = readCsv(p);
    expect(t.bom).toBe(true);
    expect(t.lineEnding).toBe('crlf');
    expect(t.header).toEqual(['fname', 'summary']);
    expect(t.rows).toEqual([
      { fname: 'test_0', summary: '안녕, "세상"\r\n둘째 줄' },
      { fname: 'test_1', summary: 'b' },
    ]);
  });

  it('reads plain UTF-8 LF', () => {
    const p = join(dir, 'a.csv');
    writeFileSync(p, 'fname,summary\ntest_0,x\n');
    const t = readCsv(p);
    expect([t.bom, t.lineEnding, t.rows.length]).toEqual([false, 'lf', 1]);
  });

  it('round-trips quotes, commas and newlines and writes no BOM', () => {
    const p = join(dir, 'out.csv');
    const rows = [
      ['0', 'test_0', 'he said "hi", then left'],
      ['1', 'test_1', 'line one\nline two'],
      ['2', 'test_2', ' leading space and trailing '],
    ];
    writeCsv(p, ['', 'fname', 'summary'], rows);
    const buf = readFileSync(p);
    expect(buf.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf]))).toBe(false);
    expect(buf.toString('utf8').startsWith(',fname,summary\n')).toBe(true);
    const t = readCsv(p);
    expect(t.header).toEqual(['', 'fname', 'summary']);
    expect(t.rows.map((r) => [r[''], r.fname, r.summary])).toEqual(rows);
  });

  it('names the file, byte offset and line of invalid UTF-8', () => {
    const p = join(dir, 'bad.csv');
    const head = Buffer.from('fname,summary\ntest_0,좋아\n');
    writeFileSync(p, Buffer.concat([head, Buffer.from('test_1,'), Buffer.from([0xc3, 0x28]), Buffer.from('\n')]));
    expect(() => readCsv(p)).toThrow(`${p}: not valid UTF-8 at byte offset ${head.length + 7} (line 3)`);
  });

  it('says which line has broken quoting', () => {
    const p = join(dir, 'bad.csv');
    writeFileSync(p, 'fname,summary\ntest_0,"unclosed\n');
    expect(() => readCsv(p)).toThrow(/bad\.csv: not a valid CSV file: .*line/i);
  });

  it('rejects a header that names a column twice', () => {
    const p = join(dir, 'dup.csv');
    writeFileSync(p, 'fname,summary,summary\na,b,c\n');
    expect(() => readCsv(p)).toThrow(/names column 'summary' twice/);
  });

  it('names a missing file', () => {
    expect(() => readCsv(join(dir, 'nope.csv'))).toThrow(/nope\.csv: file not found/);
  });
});
