import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findResumeCandidate } from './resume-candidate';

/** Why a train does not continue an earlier run: the note the train step logs (core/pipeline/resume-plan.ts). */
describe('findResumeCandidate notes', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'resume-candidate-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));
  const run = (id: string, fields: Record<string, unknown>, checkpoints: Record<string, string[]> = {}) => {
    mkdirSync(join(root, id), { recursive: true });
    writeFileSync(join(root, id, 'autoexp_run.json'), JSON.stringify({ run_id: id, experiment: 'x', config_hash: 'h1', started_at: '2026-01-01T00:00:00Z', ...fields }));
    for (const [name, files] of Object.entries(checkpoints)) {
      mkdirSync(join(root, id, name));
      for (const f of files) writeFileSync(join(root, id, name, f), '{}');
    }
  };
  const note = (o: Partial<Parameters<typeof findResumeCandidate>[0]> = {}) => findResumeCandidate({ root, experiment: 'x', configHash: 'h1', ...o });

  it('says what stands in the way, and names runs of another config only when there are some', () => {
    expect(note({ root: join(root, 'missing') }).note).toMatch(/^no earlier run \(/);
    expect(note().note).toBe('no earlier run with this train config');
    run('r1', { config_hash: 'h0', status: 'running' });
    run('other', { experiment: 'y', status: 'running' });
    expect(note()).toEqual({ candidate: null, note: 'its 1 earlier run(s) have another train config (train-section hash)' });
    run('r2', { status: 'completed', started_at: '2026-01-02T00:00:00Z' });
    expect(note().note).toBe('the newest run with this train config (r2) completed');
    run('r3', { status: 'running', started_at: '2026-01-03T00:00:00Z' }, { 'checkpoint-20': [] });
    expect(note().note).toBe('run r3 (running) has no valid checkpoint to resume from; skipped: checkpoint-20 (empty folder (a save that crashed or is still running?))');
  });
});
