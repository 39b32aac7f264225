import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SectionStamps, stampPath } from './section-stamps';

let ws: string;
beforeEach(() => {
  ws = mkdtempSync(join(tmpdir(), 'autoexp-stamps-'));
});
afterEach(() => rmSync(ws, { recursive: true, force: true }));

const HASH_INPUT = join(__dirname, '..', '..', 'bin', 'hash-input.sh');
/** What Nx hashes for the target: the runtime input's output, run from the workspace root. */
const hashed = (section: 'train' | 'infer' | 'submit') => execFileSync('sh', [HASH_INPUT, section, stampPath(ws, 'demo')], { cwd: ws }).toString();
const write = (hashes: { train: string; infer: string; submit: string }, experiment = 'demo') => {
  const s = new SectionStamps(ws);
  s.set(experiment, hashes);
  s.writeToDisk();
};

describe('section stamps', () => {
  it("each target's runtime input sees only its own section's hash", () => {
    write({ train: 't1', infer: 'i1', submit: 's1' });
    expect([hashed('train'), hashed('infer'), hashed('submit')]).toEqual(['train t1\n', 'infer i1\n', 'submit s1\n']);
    // An infer-only change leaves what train and submit hash untouched.
    write({ train: 't1', infer: 'i2', submit: 's1' });
    expect([hashed('train'), hashed('infer'), hashed('submit')]).toEqual(['train t1\n', 'infer i2\n', 'submit s1\n']);
  });

  it('hashes as "<section> missing" before createNodes wrote the stamp', () => {
    expect(hashed('train')).toBe('train missing\n');
  });

  it('writes nothing until writeToDisk, then every experiment set; leaves a file alone when nothing changed', () => {
    const s = new SectionStamps(ws);
    s.set('demo', { train: 't', infer: 'i', submit: 's' });
    s.set('other', { train: 'x', infer: 'y', submit: 'z' });
    expect(() => statSync(stampPath(ws, 'demo'))).toThrow();
    s.writeToDisk();
    expect(readFileSync(stampPath(ws, 'other'), 'utf8')).toBe('train x\ninfer y\nsubmit z\n');
    const p = stampPath(ws, 'demo');
    utimesSync(p, new Date(1_000_000), new Date(1_000_000));
    write({ train: 't', infer: 'i', submit: 's' });
    expect(statSync(p).mtimeMs).toBe(1_000_000);
    expect(readFileSync(p, 'utf8')).toBe('train t\ninfer i\nsubmit s\n');
  });
});
