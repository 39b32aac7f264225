import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { INDEX_COLUMNS, IndexRow, appendIndexText, readIndexFile, rewriteIndexText } from './experiment-index';

describe('experiment index: columns a user added', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'index-extra-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const row = (experiment: string): IndexRow => Object.fromEntries(INDEX_COLUMNS.map((c) => [c, c === 'experiment' ? experiment : c === 'project' ? `exp-${experiment}` : c === 'timestamp' ? 't' : ''])) as IndexRow;
  const table = (text: string) => parse(text) as string[][];

  it('keeps an unknown column and its values after the known ones, whether the header is current or not', () => {
    const path = join(dir, 'experiment_index.csv');
    // A user inserted public_lb in the middle of a current index.
    const header = [...INDEX_COLUMNS.slice(0, 3), 'public_lb', ...INDEX_COLUMNS.slice(3)];
    const line = (exp: string, lb: string) => header.map((h) => (h === 'experiment' ? exp : h === 'project' ? `exp-${exp}` : h === 'timestamp' ? 't' : h === 'public_lb' ? lb : ''));
    writeFileSync(path, [header, line('a', '47.1'), line('b', '')].map((l) => l.join(',')).join('\n') + '\n');
    const once = appendIndexText(readIndexFile(path), row('c'));
    const t = table(once);
    expect(t[0]).toEqual([...INDEX_COLUMNS, 'public_lb']);
    expect(t.slice(1).map((r) => [r[0], r[1], r[r.length - 1]])).toEqual([['a', 'exp-a', '47.1'], ['b', 'exp-b', ''], ['c', 'exp-c', '']]);
    // Now in the canonical order: the next append keeps the bytes and adds one line.
    writeFileSync(path, once);
    const twice = appendIndexText(readIndexFile(path), row('d'));
    expect(twice.startsWith(once)).toBe(true);
    expect(table(twice).slice(1).map((r) => r[0])).toEqual(['a', 'b', 'c', 'd']);
    // An update in place (lb record) keeps them too.
    writeFileSync(path, twice);
    const idx = readIndexFile(path);
    const upd = table(rewriteIndexText(idx, idx.rows.map((r, i) => (i === 0 ? { ...r, note: 'updated' } : r))));
    expect(upd[0]).toEqual([...INDEX_COLUMNS, 'public_lb']);
    expect(upd.slice(1).map((r) => [r[0], r[INDEX_COLUMNS.indexOf('note')], r[r.length - 1]])).toEqual([['a', 'updated', '47.1'], ['b', '', ''], ['c', '', ''], ['d', '', '']]);
  });
});

describe('experiment index: written before the project column', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'index-project-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const table = (text: string) => parse(text) as string[][];

  it('reads each row as experiment <name>, project exp-<name>, and writes them so on the next append', () => {
    const path = join(dir, 'experiment_index.csv');
    const old = INDEX_COLUMNS.filter((c) => c !== 'project');
    const line = (exp: string, ts: string) => old.map((h) => (h === 'experiment' ? exp : h === 'timestamp' ? ts : h === 'output_path' ? `prediction/${exp}_${ts}/output.csv` : ''));
    writeFileSync(path, [old, line('exp-demo', 't1'), line('exp-kobart--lr1e-5', 't2'), line('plain', 't3')].map((l) => l.join(',')).join('\n') + '\n');
    const idx = readIndexFile(path);
    expect(idx.rows.map((r) => [r.experiment, r.project, r.output_path])).toEqual([
      ['demo', 'exp-demo', 'prediction/exp-demo_t1/output.csv'],
      ['kobart--lr1e-5', 'exp-kobart--lr1e-5', 'prediction/exp-kobart--lr1e-5_t2/output.csv'],
      ['plain', 'exp-plain', 'prediction/plain_t3/output.csv'], // not a project name: kept as the experiment
    ]);
    expect(idx.extraColumns).toEqual([]);
    const t = table(appendIndexText(idx, { ...idx.rows[0], timestamp: 't4', output_path: '' }));
    expect(t[0]).toEqual([...INDEX_COLUMNS]);
    expect(t.slice(1).map((r) => [r[0], r[1], r[2]])).toEqual([['demo', 'exp-demo', 't1'], ['kobart--lr1e-5', 'exp-kobart--lr1e-5', 't2'], ['plain', 'exp-plain', 't3'], ['demo', 'exp-demo', 't4']]);
  });

  it('a current index (with the column) is read as written: a name starting with exp- stays', () => {
    const path = join(dir, 'experiment_index.csv');
    writeFileSync(path, `${INDEX_COLUMNS.join(',')}\n${INDEX_COLUMNS.map((c) => (c === 'experiment' ? 'exp-x' : c === 'project' ? 'exp-exp-x' : c === 'timestamp' ? 't' : '')).join(',')}\n`);
    expect(readIndexFile(path).rows.map((r) => [r.experiment, r.project])).toEqual([['exp-x', 'exp-exp-x']]);
  });
});
