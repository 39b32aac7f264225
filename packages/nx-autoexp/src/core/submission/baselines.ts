import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { predictionDir } from './experiment-index';
import type { RougeScores } from '../scores/rouge-scores';

/**
 * Trivial reference predictors of one dev set and metric, as the trainer's
 * `baselines --json` prints them. infer attaches the set to dev-score.json;
 * submit stores it once as prediction/baselines/<key>.json and puts the key
 * in the index `baselines` column, so the leaderboard and the report show
 * them beside the experiments scored on the same dev set.
 */
export interface BaselineEntry extends RougeScores {
  name: string;
  description: string;
}

export interface BaselineSet {
  /** 16 hex of sha256 over the dev bytes, the train bytes and the metric. */
  key: string;
  metric: { aggregate: string; references: string; tokenizer: string };
  n: number;
  baselines: BaselineEntry[];
  best: string;
  best_score: number;
}

const KEY_RE = /^[0-9a-f]{16}$/;
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** The set if `value` is one (or a dev score carrying one under `baselines`), else null. */
export function baselineSetOf(value: unknown): BaselineSet | null {
  const v = value as Partial<BaselineSet> | null;
  if (!v || typeof v !== 'object' || typeof v.key !== 'string' || !KEY_RE.test(v.key) || !Array.isArray(v.baselines)) return null;
  const ok = v.baselines.every((b) => b && typeof b.name === 'string' && isNum(b.score) && isNum(b.rouge1) && isNum(b.rouge2) && isNum(b.rougeL));
  return ok && isNum(v.best_score) ? (v as BaselineSet) : null;
}

export const baselinesPath = (workspaceRoot: string, key: string): string => join(predictionDir(workspaceRoot), 'baselines', `${key}.json`);

/** The stored sets of these keys; a missing or damaged file is left out (its rows are then not flagged). */
export function readBaselineSets(workspaceRoot: string, keys: Iterable<string>): Map<string, BaselineSet> {
  const out = new Map<string, BaselineSet>();
  for (const key of new Set(keys)) {
    if (!KEY_RE.test(key)) continue;
    const path = baselinesPath(workspaceRoot, key);
    if (!existsSync(path)) continue;
    try {
      const set = baselineSetOf(JSON.parse(readFileSync(path, 'utf8')));
      if (set) out.set(key, set);
    } catch {
      // damaged: skipped, the next submit on this dev set writes it again
    }
  }
  return out;
}
