import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeJsonAtomic } from '../fs/atomic-write';

/**
 * The last failure of each experiment, so `nx run-many` can go on past a broken
 * experiment and the leaderboard still lists it (as failed, with the reason).
 * Kept outside prediction/ on purpose: a failed run must leave the submission
 * tree byte-identical.
 */
export interface FailureRecord {
  experiment: string;
  target: 'train' | 'infer' | 'submit';
  reason: string;
  at: string;
  smoke: boolean;
}

export const FAILURES_DIR = join('runs', '_failures');

const fileOf = (root: string, experiment: string, smoke: boolean) => join(root, FAILURES_DIR, `${experiment}${smoke ? '.smoke' : ''}.json`);

export function recordStepFailure(root: string, f: Omit<FailureRecord, 'at'>, now = new Date()): void {
  writeJsonAtomic(fileOf(root, f.experiment, f.smoke), { ...f, at: now.toISOString() });
}

export function clearStepFailure(root: string, experiment: string, smoke: boolean): void {
  rmSync(fileOf(root, experiment, smoke), { force: true });
}

export function readFailures(root: string): FailureRecord[] {
  const dir = join(root, FAILURES_DIR);
  if (!existsSync(dir)) return [];
  const out: FailureRecord[] = [];
  for (const f of readdirSync(dir)) {
    if (!f.endsWith('.json')) continue;
    try {
      out.push(JSON.parse(readFileSync(join(dir, f), 'utf8')));
    } catch {
      /* a torn file cannot happen (atomic writes); an unreadable one is skipped */
    }
  }
  return out;
}
