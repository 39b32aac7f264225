import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { INDEX_COLUMNS, IndexRow, appendIndexText, readIndexFile, rewriteIndexText } from './experiment-index';

describe('experiment index: columns a user added', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'index-extra-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const row = (experiment: string): IndexRow => Object.fromEntries(INDEX_COLUMNS.map((c) => [c, c === 'experiment' ? experiment : c === 'timestamp' ? 't' : ''])) as IndexRow;
  const table = (text: string) => parse(text) as string[][];

  it('keeps an unknown column and its values after the known ones, whether the header is current or not', () => {
    const path = join(dir, 'experiment_index.csv');
    // A user inserted public_lb in the middle of a current index.
    const header = [...INDEX_COLUMNS.slice(0, 3), 'public_lb', ...INDEX_COLUMNS.slice(3)];
    const line = (exp: string, lb: string) => header.map((h) => (h === 'experiment' ? exp : h === 'timestamp' ? 't' : h === 'public_lb' ? lb : ''));
    writeFileSync(path, [header, line('exp-a', '47.1'), line('exp-b', '')].map((l) => l.join(',')).join('\n') + '\n');
    const once = appendIndexText(readIndexFile(path), row('exp-c'));
    const t = table(once);
    expect(t[0]).toEqual([...INDEX_COLUMNS, 'public_lb']);
    expect(t.slice(1).map((r) => [r[0], r[r.length - 1]])).toEqual([['exp-a', '47.1'], ['exp-b', ''], ['exp-c', '']]);
    // Now in the canonical order: the next append keeps the bytes and adds one line.
    writeFileSync(path, once);
    const twice = appendIndexText(readIndexFile(path), row('exp-d'));
    expect(twice.startsWith(once)).toBe(true);
    expect(table(twice).slice(1).map((r) => r[0])).toEqual(['exp-a', 'exp-b', 'exp-c', 'exp-d']);
    // An update in place (lb record) keeps them too.
    writeFileSync(path, twice);
    const idx = readIndexFile(path);
    const upd = table(rewriteIndexText(idx, idx.rows.map((r, i) => (i === 0 ? { ...r, note: 'updated' } : r))));
    expect(upd[0]).toEqual([...INDEX_COLUMNS, 'public_lb']);
    expect(upd.slice(1).map((r) => [r[0], r[INDEX_COLUMNS.indexOf('note')], r[r.length - 1]])).toEqual([['exp-a', 'updated', '47.1'], ['exp-b', '', ''], ['exp-c', '', ''], ['exp-d', '', '']]);
  });
});
