import { Dirent, readdirSync, realpathSync, statSync } from 'node:fs';
import { basename, join, sep } from 'node:path';
import { RUN_RECORD, readRunRecord } from './run-records';
import { RunInfo } from './types';
import { ADAPTER_WEIGHT_NAMES, FULL_WEIGHT_NAMES } from './weight-files';

/**
 * Walks an output folder to a bounded depth and returns the folders that
 * could be checkpoints plus the run records, without validating anything
 * (so resolving one run only pays for that run's checkpoints).
 *
 * - `checkpoint-<N>`: a step checkpoint; never descended into.
 * - `checkpoint-<other>` (checkpoint-final, checkpoint-tmp): listed as not a
 *   step checkpoint, so the user sees why it was skipped.
 * - any other folder holding weights or adapter_config.json (save_model
 *   output, best_model/): a final model candidate, step from its trainer_state.
 * Symlinked folders are followed; a realpath set stops cycles.
 */

export const STEP_DIR = /^checkpoint-(\d+)$/;

export interface FoundFolder {
  path: string;
  /** 'step' = checkpoint-N, 'model' = other folder with weights, 'other' = checkpoint-* without a step, 'unreadable'. */
  type: 'step' | 'model' | 'other' | 'unreadable';
  step: number | null;
  /** The listing when the walk already read it (model folders), to avoid reading it twice. */
  names?: Set<string>;
  /** For 'other' / 'unreadable': why it is not usable. */
  problem?: string;
}

export interface Discovery {
  folders: FoundFolder[];
  runs: RunInfo[];
  /** With `deferRuns`: depth below root of each run folder, whose inside was not walked. */
  runDepth: Map<string, number>;
}

export interface DiscoverOptions {
  maxDepth?: number;
  /**
   * Stop at folders holding a run record (found by one stat, not a listing)
   * and leave their inside for later: resolving one run of many then lists
   * only that run's folder. Without it every folder is walked.
   */
  deferRuns?: boolean;
}

// Folders that never hold the trained checkpoint. base_model/ is the random
// base a LoRA run trains on (docs/architecture.md), not a result.
const SKIP = new Set(['node_modules', '__pycache__', 'base_model', 'runs', 'wandb', 'tensorboard']);

function code(err: unknown): string {
  return (err as NodeJS.ErrnoException)?.code ?? String(err);
}

function isModelListing(names: Set<string>): boolean {
  return names.has('adapter_config.json') || FULL_WEIGHT_NAMES.some((n) => names.has(n)) || ADAPTER_WEIGHT_NAMES.some((n) => names.has(n));
}

/** Dirent type with symlinks resolved; 'broken' for dangling links. */
function entryType(dir: string, e: Dirent): 'dir' | 'file' | 'broken' | 'other' {
  if (e.isDirectory()) return 'dir';
  if (e.isFile()) return 'file';
  if (!e.isSymbolicLink()) return 'other';
  try {
    const st = statSync(join(dir, e.name));
    return st.isDirectory() ? 'dir' : st.isFile() ? 'file' : 'other';
  } catch {
    return 'broken';
  }
}

export function discover(root: string, options: DiscoverOptions = {}): Discovery {
  const maxDepth = options.maxDepth ?? 4;
  const folders: FoundFolder[] = [];
  const runs: RunInfo[] = [];
  const runDepth = new Map<string, number>();
  const seen = new Set<string>();

  const rootStep = STEP_DIR.exec(basename(root));
  if (rootStep) {
    // The user pointed at one checkpoint folder.
    folders.push({ path: root, type: 'step', step: Number(rootStep[1]) });
    return { folders, runs, runDepth };
  }

  // `real` is the folder's realpath: computed by a syscall only at the root and
  // at symlinks (elsewhere it is parent realpath + name), so walking stays cheap.
  const visit = (dir: string, real: string, depth: number, isRoot: boolean) => {
    if (seen.has(real)) return;
    seen.add(real);
    if (options.deferRuns) {
      const record = dir + sep + RUN_RECORD;
      if (isFile(record)) {
        runs.push(readRunRecord(record));
        runDepth.set(dir, depth);
        return;
      }
    }
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch (err) {
      if (isRoot) throw err;
      folders.push({ path: dir, type: 'unreadable', step: null, problem: `cannot read folder (${code(err)}); checkpoints inside it were not searched` });
      return;
    }
    const names = new Set(entries.map((e) => e.name));
    if (isModelListing(names)) folders.push({ path: dir, type: 'model', step: null, names });
    for (const e of entries) {
      // dir is already normalized: plain concatenation is much cheaper than join() over thousands of entries.
      const child = dir + sep + e.name;
      if (e.name.startsWith('checkpoint-')) {
        const m = STEP_DIR.exec(e.name);
        // A file or dangling link named checkpoint-N is still reported: it is where a checkpoint should be.
        if (m) folders.push({ path: child, type: 'step', step: Number(m[1]) });
        else if (entryType(dir, e) === 'dir') folders.push({ path: child, type: 'other', step: null, problem: `not a step checkpoint ('${e.name}' has no step number); use --policy path to load it explicitly` });
        continue;
      }
      const t = entryType(dir, e);
      if (e.name === RUN_RECORD) {
        if (t === 'file') runs.push(readRunRecord(child));
        continue;
      }
      if (t !== 'dir' || e.name.startsWith('.') || SKIP.has(e.name)) continue;
      // Entries of `child` sit at depth + 2: only descend while those are within the bound.
      if (depth + 2 > maxDepth) continue;
      if (!e.isSymbolicLink()) {
        visit(child, join(real, e.name), depth + 1, false);
        continue;
      }
      let target: string;
      try {
        target = realpathSync.native(child);
      } catch (err) {
        folders.push({ path: child, type: 'unreadable', step: null, problem: `cannot resolve symlink (${code(err)})` });
        continue;
      }
      visit(child, target, depth + 1, false);
    }
  };
  visit(root, realpathSync.native(root), 0, true);
  return { folders, runs, runDepth };
}

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}
