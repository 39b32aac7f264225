import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeJsonAtomic } from '../fs/atomic-write';
import { experimentOfProject, modeFileStem, projectOf } from '../naming/experiment-names';

/**
 * The last failure of each experiment, so `nx run-many` can go on past a broken
 * experiment and the leaderboard still lists it (as failed, with the reason).
 * Kept outside prediction/ on purpose: a failed run must leave the submission
 * tree byte-identical.
 */
export interface FailureRecord {
  /** The experiment name (`demo`), as in runs/<experiment>/. */
  experiment: string;
  /** Its Nx project (`exp-demo`), what `nx run` takes. */
  project: string;
  target: 'train' | 'infer' | 'submit';
  reason: string;
  at: string;
  smoke: boolean;
}

export const FAILURES_DIR = join('runs', '_failures');

/** runs/_failures/<name>[.smoke].json; records of earlier versions were named by project. */
const fileOf = (root: string, name: string, smoke: boolean) => join(root, FAILURES_DIR, `${modeFileStem(name, smoke)}.json`);

/** A record of an earlier version: `experiment` held the project (`exp-demo`), and there was no `project`. */
function upgradeLegacy(r: FailureRecord): FailureRecord {
  if (typeof r.project === 'string') return r;
  const experiment = experimentOfProject(r.experiment) ?? r.experiment;
  return { ...r, experiment, project: projectOf(experiment) };
}

/**
 * Removes the earlier version's runs/_failures/exp-<experiment>[.smoke].json, only
 * when it is one (no `project` field): a new record of an experiment named `exp-...` stays.
 */
function dropLegacy(root: string, experiment: string, smoke: boolean): void {
  const legacy = fileOf(root, projectOf(experiment), smoke);
  try {
    if (typeof JSON.parse(readFileSync(legacy, 'utf8'))?.project !== 'string') rmSync(legacy, { force: true });
  } catch {
    /* absent or unreadable: nothing of this experiment's to remove */
  }
}

export function recordStepFailure(root: string, f: Omit<FailureRecord, 'at' | 'project'>, now = new Date()): void {
  const record: FailureRecord = { experiment: f.experiment, project: projectOf(f.experiment), target: f.target, reason: f.reason, at: now.toISOString(), smoke: f.smoke };
  writeJsonAtomic(fileOf(root, f.experiment, f.smoke), record);
  dropLegacy(root, f.experiment, f.smoke); // one record per experiment: the new one replaces an old-named one
}

export function clearStepFailure(root: string, experiment: string, smoke: boolean): void {
  rmSync(fileOf(root, experiment, smoke), { force: true });
  dropLegacy(root, experiment, smoke);
}

/** Every experiment's last failure; records of earlier versions read as written now. */
export function readFailures(root: string): FailureRecord[] {
  const dir = join(root, FAILURES_DIR);
  if (!existsSync(dir)) return [];
  const out: FailureRecord[] = [];
  for (const f of readdirSync(dir)) {
    if (!f.endsWith('.json')) continue;
    try {
      out.push(upgradeLegacy(JSON.parse(readFileSync(join(dir, f), 'utf8'))));
    } catch {
      /* a torn file cannot happen (atomic writes); an unreadable one is skipped */
    }
  }
  return out;
}
