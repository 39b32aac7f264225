import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { dataPath } from '../config/data-paths';
import { isExperimentName, nxRunCommand } from '../naming/experiment-names';
import { workspaceTargetNames } from '../naming/workspace-target-names';
import type { ExperimentConfig } from '../config/types';
import { PipelineError } from '../pipeline/pipeline-error';
import { runPaths } from '../pipeline/run-paths';
import { readCsv } from '../submission/csv-io';
import { devVsPublic } from '../competition/dev-vs-public';
import { indexPath, readIndex } from '../submission/experiment-index';
import { LeaderboardRow, leaderboardGroups } from '../submission/leaderboard';
import { baselinesPath } from '../submission/baselines';
import { flatConfigText } from '../config/config-diff';
import { DevReference, allTopics, devReferences, topicMeans, worstItems } from './dev-items';
import { readLearningCurve } from './learning-curve';
import { ItemScorer, trainerItemScorer } from './score-items';
import type { ExperimentReport, ReportData } from './types';
import { readJsonObject } from '../fs/read-json';
import { sha256 } from '../config/hash';
import { relativePosix } from '../fs/relative-posix';

export interface CollectReportOptions {
  workspaceRoot: string;
  /** Also rank smoke submissions (default: best ok, non-smoke submission per experiment, as `autoexp leaderboard`). */
  includeSmoke?: boolean;
  /** How many lowest-scoring dev items to list per experiment (default 20). */
  worstCount?: number;
  /** Per-item dev scorer (default: the trainer's `score --per-item`). */
  scoreItems?: ItemScorer;
  now?: Date;
  /** Progress lines (one per experiment). */
  log?: (line: string) => void;
  /** Called with the absolute path of every file the report reads or looks for (cache stamps). */
  onInput?: (path: string) => void;
}

type Json = Record<string, unknown>;
const obj = (v: unknown): Json | null => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : null);

/** sha256 the infer step recorded for the dev predictions of this submission, if any. */
function recordedDevSha(meta: Json | null): string | null {
  const attempts = obj(meta?.inference)?.attempts;
  if (!Array.isArray(attempts)) return null;
  const dev = attempts.map(obj).filter((a): a is Json => !!a && a.split === 'dev' && a.ok === true && typeof a.output_sha256 === 'string');
  return dev.length ? (dev[dev.length - 1].output_sha256 as string) : null;
}

function readJson(path: string): { value: Json | null; error: string | null } {
  const r = readJsonObject(path);
  return r.ok ? { value: r.value, error: null } : { value: null, error: r.missing ? 'file not found' : r.problem };
}

class Collector {
  private readonly root: string;
  private readonly scoreItems: ItemScorer;
  private readonly refsCache = new Map<string, Map<string, DevReference>>();
  /** Set when the scorer cannot run at all (no Python): said once, not per experiment. */
  private scorerDown: string | null = null;
  readonly notes: string[] = [];

  constructor(private readonly opts: CollectReportOptions) {
    this.root = resolve(opts.workspaceRoot);
    this.scoreItems = opts.scoreItems ?? trainerItemScorer(this.root);
  }

  private input(p: string): string {
    this.opts.onInput?.(p);
    return p;
  }

  private rel(p: string): string {
    return relativePosix(this.root, p);
  }

  private references(path: string): Map<string, DevReference> {
    let refs = this.refsCache.get(path);
    if (!refs) this.refsCache.set(path, (refs = devReferences(readCsv(path).rows)));
    return refs;
  }

  async experiment(row: LeaderboardRow): Promise<ExperimentReport> {
    const notes: string[] = [];
    const metaPath = row.metadata_path ? join(this.root, row.metadata_path) : null;
    const metaRead = metaPath ? readJson(this.input(metaPath)) : { value: null, error: 'no metadata_path in the index row' };
    const meta = metaRead.value;
    if (!meta) notes.push(`metadata not readable (${row.metadata_path || 'no path'}: ${metaRead.error}): no config to show or compare`);
    const manifest = obj(meta?.checkpoint);
    const config = meta ? (meta.config ?? null) : null;

    // Learning curve: from the checkpoint the manifest named (or the index row, without metadata).
    let curve: ExperimentReport['curve'] = null;
    const checkpointPath = typeof manifest?.path === 'string' && manifest.path ? manifest.path : row.checkpoint;
    if (!checkpointPath) {
      notes.push('no checkpoint recorded for this submission: no learning curve');
    } else {
      const found = readLearningCurve(this.root, checkpointPath);
      found.files.forEach((f) => this.input(f));
      curve = found.curve;
      if (found.curve === null) notes.push(found.reason);
      else if (found.checkpointGone) notes.push(`checkpoint folder gone (${checkpointPath}); learning curve from ${found.curve.source}`);
    }

    const items = await this.devItems(row, meta, config, notes);
    return {
      rank: row.rank,
      experiment: row.experiment,
      timestamp: row.timestamp,
      when: row.when,
      smoke: row.smoke,
      score: row.score,
      publicScore: row.public_score,
      privateScore: row.private_score,
      rouge1: row.rouge1,
      rouge2: row.rouge2,
      rougeL: row.rougeL,
      belowBaseline: row.below_baseline,
      group: row.group ? { name: row.group.name, mean: row.group.mean, std: row.group.std, n: row.group.n } : null,
      step: row.step,
      strategy: row.strategy,
      configHash: row.config_hash,
      checkpoint: row.checkpoint,
      curve,
      items,
      config: config === null ? null : flatConfigText(config),
      notes,
    };
  }

  /** Per-item dev scores of the predictions in runs/<name>/infer (the latest infer run of the experiment). */
  private async devItems(row: LeaderboardRow, meta: Json | null, config: unknown, notes: string[]): Promise<ExperimentReport['items']> {
    // The index names experiments as runs/ does; a hand-edited name that is no folder name is not followed.
    const folder = row.experiment;
    if (!isExperimentName(folder)) {
      notes.push(`experiment '${folder}' in the index is not an experiment name: no per-item scores`);
      return null;
    }
    const predPath = this.input(join(this.root, runPaths(folder).devPredictions));
    if (!existsSync(predPath)) {
      notes.push(`no dev predictions at ${this.rel(predPath)}: no per-item scores (run \`${nxRunCommand(folder, 'infer', { targets: workspaceTargetNames(this.root) })}\` to make them)`);
      return null;
    }
    const data = obj(obj(config)?.data);
    const refPath =
      data && typeof data.dir === 'string' && typeof data.dev === 'string' && data.dev
        ? dataPath(this.root, config as ExperimentConfig, 'dev')
        : null;
    if (!refPath) {
      notes.push('the submission metadata has no data.dev in its config: no per-item scores');
      return null;
    }
    this.input(refPath);
    if (!existsSync(refPath)) {
      notes.push(`dev references not found at ${this.rel(refPath)}: no per-item scores`);
      return null;
    }
    const recorded = recordedDevSha(meta);
    if (recorded && recorded !== sha256(readFileSync(predPath))) {
      notes.push(`${this.rel(predPath)} changed since this submission (a newer infer run): per-item scores are of the current file`);
    }
    if (this.scorerDown) {
      notes.push('per-item scores unavailable (see the notes at the top)');
      return null;
    }
    try {
      const scored = await this.scoreItems(predPath, refPath, (config as Partial<ExperimentConfig>).metric);
      const refs = this.references(refPath);
      const preds = new Map(readCsv(predPath).rows.map((r) => [r.fname, r.summary ?? '']));
      return { count: scored.length, topics: topicMeans(scored, refs), worst: worstItems(scored, refs, preds, this.opts.worstCount ?? 20) };
    } catch (err) {
      if (err instanceof PipelineError) {
        this.scorerDown = err.message.replace(/\n/g, ' ');
        this.notes.push(`per-item dev scores unavailable: ${this.scorerDown}`);
        notes.push('per-item scores unavailable (see the notes at the top)');
      } else {
        notes.push(`could not score the dev items of ${this.rel(predPath)} against ${this.rel(refPath)}: ${(err as Error).message}`);
      }
      return null;
    }
  }
}

/** Everything the report page shows, read from prediction/, runs/, the checkpoints and the dev data. */
export async function collectReport(opts: CollectReportOptions): Promise<ReportData> {
  const root = resolve(opts.workspaceRoot);
  opts.onInput?.(indexPath(root));
  const groups = leaderboardGroups(root, { includeSmoke: opts.includeSmoke });
  const rows = groups.flatMap((g) => g.rows);
  for (const g of groups) for (const set of g.baselines) opts.onInput?.(baselinesPath(root, set.key));
  const collector = new Collector(opts);
  const experiments: ExperimentReport[] = [];
  for (const row of rows) {
    opts.log?.(`${row.experiment}: reading submission ${row.timestamp}`);
    experiments.push(await collector.experiment(row));
  }
  if (rows.length === 0) {
    collector.notes.push(`no submissions to show yet: prediction/experiment_index.csv has no ok submission. Run \`npx nx run-many -t ${workspaceTargetNames(root).submit}\` first.`);
  }
  return {
    version: 1,
    generatedAt: (opts.now ?? new Date()).toISOString(),
    workspace: root,
    experiments,
    topics: allTopics(experiments.map((e) => e.items?.topics ?? [])),
    baselines: groups.flatMap((g) => g.baselines.flatMap((set) => set.baselines.map((b) => ({
      name: b.name, description: b.description, score: b.score, rouge1: b.rouge1, rouge2: b.rouge2, rougeL: b.rougeL,
      devSet: set.key, metric: g.metric,
    })))),
    worstCount: opts.worstCount ?? 20,
    notes: collector.notes,
    devVsPublic: devVsPublic(readIndex(root), { includeSmoke: opts.includeSmoke }),
  };
}
