import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileTail } from './file-tail';

describe('FileTail', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'file-tail-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('emits complete lines as the file grows, holds a partial line, and flushes it at the end', () => {
    const path = join(dir, 'out');
    const lines: string[] = [];
    const t = new FileTail(path, (l) => lines.push(l));
    t.poll(); // not created yet: nothing, no error
    expect(lines).toEqual([]);
    writeFileSync(path, 'one\ntw');
    t.poll();
    expect(lines).toEqual(['one']);
    appendFileSync(path, 'o\r\nthree');
    t.poll();
    expect(lines).toEqual(['one', 'two']);
    t.finish();
    expect(lines).toEqual(['one', 'two', 'three']);
  });

  it('does not split a multi-byte character cut between two reads', () => {
    const path = join(dir, 'out');
    const lines: string[] = [];
    const t = new FileTail(path, (l) => lines.push(l));
    const bytes = Buffer.from('요약 끝\n', 'utf8');
    writeFileSync(path, bytes.subarray(0, 1));
    t.poll();
    appendFileSync(path, bytes.subarray(1));
    t.finish();
    expect(lines).toEqual(['요약 끝']);
  });

  it('starts over when the file is truncated (a requeued job)', () => {
    const path = join(dir, 'out');
    const lines: string[] = [];
    const t = new FileTail(path, (l) => lines.push(l));
    writeFileSync(path, 'first run line\n');
    t.poll();
    writeFileSync(path, 'again\n');
    t.poll();
    expect(lines).toEqual(['first run line', 'again']);
  });
});
