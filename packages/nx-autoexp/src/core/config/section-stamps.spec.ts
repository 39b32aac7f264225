import { execSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sectionStampInput, stampPath, writeSectionStamps } from './section-stamps';

let ws: string;
beforeEach(() => {
  ws = mkdtempSync(join(tmpdir(), 'autoexp-stamps-'));
});
afterEach(() => rmSync(ws, { recursive: true, force: true }));

/** What Nx hashes for the target: the runtime command's output, run from the workspace root. */
const hashed = (section: 'train' | 'infer' | 'submit') => execSync(sectionStampInput(ws, 'demo', section).runtime, { cwd: ws, shell: '/bin/sh' }).toString();

describe('section stamps', () => {
  it("each target's runtime input sees only its own section's hash", () => {
    writeSectionStamps(ws, 'demo', { train: 't1', infer: 'i1', submit: 's1' });
    expect([hashed('train'), hashed('infer'), hashed('submit')]).toEqual(['train t1\n', 'infer i1\n', 'submit s1\n']);
    // An infer-only change leaves what train and submit hash untouched.
    writeSectionStamps(ws, 'demo', { train: 't1', infer: 'i2', submit: 's1' });
    expect([hashed('train'), hashed('infer'), hashed('submit')]).toEqual(['train t1\n', 'infer i2\n', 'submit s1\n']);
  });

  it('hashes as "missing" before createNodes wrote the stamp', () => {
    expect(hashed('train')).toBe('missing\n');
  });

  it('leaves the file alone when nothing changed', () => {
    writeSectionStamps(ws, 'demo', { train: 't', infer: 'i', submit: 's' });
    const p = stampPath(ws, 'demo');
    utimesSync(p, new Date(1_000_000), new Date(1_000_000));
    writeSectionStamps(ws, 'demo', { train: 't', infer: 'i', submit: 's' });
    expect(statSync(p).mtimeMs).toBe(1_000_000);
    expect(readFileSync(p, 'utf8')).toBe('train t\ninfer i\nsubmit s\n');
  });
});
