import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { CliIO, UserError } from '../io';
import { LeaderboardGroup, LeaderboardRow, configDiff, describeMetric, indexPath, leaderboardGroups } from '../../core/submission';
import { existsSync } from 'node:fs';
import { FailureRecord, readFailures } from '../../core/pipeline/failure-record';
import { formatX100 } from '../../core/competition/score-scale';
import type { SeedGroup } from '../../core/sweep/seed-groups';
import type { RougeScores } from '../../core/scores/rouge-scores';

const USAGE = `usage: autoexp leaderboard [--sort dev|public] [--json] [--all] [--include-failed] [--include-smoke] [--no-baselines] [--workspace <dir>]
       autoexp leaderboard --diff <exp-a> <exp-b> [--json] [--workspace <dir>]

Experiments ranked by dev score (best submission of each; --all for every row),
from prediction/experiment_index.csv. score = the mean of R1/R2/RL F1 (x100), the
competition's; rows scored with another metric (index column 'metric') are ranked
in a table of their own, never against each other. public/private: the competition
leaderboard's scores recorded with \`autoexp lb record\` (x100); --sort public ranks
by them in one table. Trivial baselines of the same dev set (a constant summary
skeleton, the first turn, the best first k turns) are shown as reference rows
marked [baseline] (--no-baselines hides them; in --json they have "baseline": true
and rank null; not with --sort public); an experiment that does not beat the best
of them is marked "(below baseline)". --diff lists the config keys whose values
differ between the latest submissions of two experiments. Variants of a sweep that
differ only in sweep.group_by keys (default train.seed) form a group: its mean ±
std (sample) and n of dev scores are shown beside each member ("group" in --json).`;

/** A trivial baseline as a reference row of the table / JSON (not ranked). */
interface BaselineRow extends RougeScores {
  baseline: true;
  rank: null;
  experiment: string;
  description: string;
  metric: string;
  baselines: string;
}

function baselineRows(g: LeaderboardGroup): BaselineRow[] {
  const several = g.baselines.length > 1; // rows of several dev sets: say which set a baseline belongs to
  return g.baselines.flatMap((set) =>
    set.baselines.map((b) => ({
      baseline: true as const,
      rank: null,
      experiment: `[baseline] ${b.name}${several ? ` (dev set ${set.key.slice(0, 8)})` : ''}`,
      description: b.description,
      score: b.score,
      rouge1: b.rouge1,
      rouge2: b.rouge2,
      rougeL: b.rougeL,
      metric: g.metric,
      baselines: set.key,
    })),
  );
}

/** Experiments in rank order with the baselines placed by score among them (a tie puts the experiment first). */
function interleave(rows: LeaderboardRow[], refs: BaselineRow[]): (LeaderboardRow | BaselineRow)[] {
  const out: (LeaderboardRow | BaselineRow)[] = [];
  const pending = [...refs].sort((a, b) => b.score - a.score);
  for (const r of rows) {
    while (pending.length && r.score !== null && pending[0].score > r.score) out.push(pending.shift()!);
    if (r.score === null) out.push(...pending.splice(0));
    out.push(r);
  }
  return [...out, ...pending];
}

const x100 = formatX100;

/** `lr--learning_rate-0.001: 45.12 ± 0.83 (n=3)`, x100 like the scores. */
export const formatGroup = (g: SeedGroup): string => `${g.name}: ${x100(g.mean)} ± ${x100(g.std)} (n=${g.n})`;

/** public/private columns appear once any shown row has such a score. */
function table(rows: (LeaderboardRow | BaselineRow)[], lb: { public: boolean; private: boolean }): string {
  const extra = [...(lb.public ? ['public'] : []), ...(lb.private ? ['private'] : [])];
  // Seed groups (sweep variants differing only in sweep.group_by): the column appears once a shown row has one.
  const grouped = rows.some((r) => !('baseline' in r) && r.group);
  const head = ['#', 'experiment', 'score', ...extra, 'R1', 'R2', 'RL', 'step', 'strategy', 'when', ...(grouped ? ['group: mean ± std (n)'] : [])];
  const body = rows.map((r) => 'baseline' in r ? ['-', r.experiment, x100(r.score), ...extra.map(() => '-'), x100(r.rouge1), x100(r.rouge2), x100(r.rougeL), '-', '-', '', ...(grouped ? [''] : [])] : [
    String(r.rank),
    r.experiment + (r.status !== 'ok' ? ` (${r.status})` : '') + (r.smoke ? ' (smoke)' : '') + (r.below_baseline ? ' (below baseline)' : ''),
    x100(r.score),
    ...(lb.public ? [x100(r.public_score)] : []),
    ...(lb.private ? [x100(r.private_score)] : []),
    x100(r.rouge1),
    x100(r.rouge2),
    x100(r.rougeL),
    r.step === null ? '-' : String(r.step),
    r.strategy || '-',
    r.when ? r.when.slice(0, 19).replace('T', ' ') : r.timestamp,
    ...(grouped ? [r.group ? formatGroup(r.group) : ''] : []),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const numeric = new Set([0, 2, 3, 4, 5, 6, ...extra.map((_, i) => 7 + i)]);
  const fmt = (cells: string[]) => cells.map((c, i) => (numeric.has(i) ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd();
  return [fmt(head), ...body.map(fmt)].join('\n');
}

export default async function leaderboardCommand(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      json: { type: 'boolean', default: false },
      all: { type: 'boolean', default: false },
      'include-failed': { type: 'boolean', default: false },
      'include-smoke': { type: 'boolean', default: false },
      'no-baselines': { type: 'boolean', default: false },
      diff: { type: 'string' },
      sort: { type: 'string', default: 'dev' },
      workspace: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    io.stdout(USAGE);
    return 0;
  }
  const root = resolve(io.cwd, values.workspace ?? '.');
  if (values.diff !== undefined) {
    if (positionals.length !== 1) throw new UserError(`--diff takes two experiment names: --diff <exp-a> <exp-b>.\n${USAGE}`, 2);
    const [a, b] = [values.diff, positionals[0]];
    const diff = configDiff(root, a, b);
    if (values.json) io.stdout(JSON.stringify(diff, null, 2));
    else if (diff.length === 0) io.stdout(`no config differences between ${a} and ${b}.`);
    else io.stdout([`config keys that differ (${a} -> ${b}):`, ...diff.map((d) => `  ${d.key}: ${JSON.stringify(d.a) ?? '(unset)'} -> ${JSON.stringify(d.b) ?? '(unset)'}`)].join('\n'));
    return 0;
  }
  if (positionals.length > 0) throw new UserError(`unexpected argument '${positionals[0]}'.\n${USAGE}`, 2);
  if (values.sort !== 'dev' && values.sort !== 'public') throw new UserError(`--sort must be dev or public, not '${values.sort}'.\n${USAGE}`, 2);
  const sortBy = values.sort;
  const groups = leaderboardGroups(root, { all: values.all, includeFailed: values['include-failed'], includeSmoke: values['include-smoke'], sortBy });
  const ranked = groups.flatMap((g) => g.rows);
  // Baselines have a dev score only: they are placed among rows ranked by dev score.
  const refs = (g: LeaderboardGroup) => (values['no-baselines'] || sortBy === 'public' ? [] : baselineRows(g));
  // Experiments whose last pipeline run failed (nx run-many goes on past them) are listed, not hidden.
  const failures = readFailures(root).filter((f) => values['include-smoke'] || !f.smoke);
  const failedRows = failures.map((f, i) => failedRow(f, (groups[0]?.rows.length ?? 0) + i + 1));
  if (values.json) io.stdout(JSON.stringify([...groups.flatMap((g) => interleave(g.rows, refs(g))), ...failedRows], null, 2));
  else if (ranked.length + failedRows.length === 0) io.stdout(existsSync(indexPath(root)) ? 'no submissions to rank yet.' : `no submissions yet (${indexPath(root)} does not exist). Run \`autoexp submit\` first.`);
  else {
    const reasons = failures.map((f) => `  ${f.experiment}${f.smoke ? ' (smoke)' : ''}: ${f.target} failed at ${f.at.slice(0, 19).replace('T', ' ')}: ${f.reason}`);
    const lb = { public: ranked.some((r) => r.public_score !== null), private: ranked.some((r) => r.private_score !== null) };
    const lbCaption = lb.public ? `; public${lb.private ? '/private' : ''} = the competition leaderboard's score, x100` : '';
    const blocks = groups.map((g, i) => {
      const shown = interleave(g.rows, refs(g));
      const rows = i === 0 ? [...shown, ...failedRows] : shown;
      const below = g.rows.filter((r) => r.below_baseline).map((r) => r.experiment);
      const order = sortBy === 'public' ? 'ranked by public score; ' : '';
      const mixed = sortBy === 'public' && g.rows.some((r) => r.score !== null && r.metric !== g.metric) ? ' (some rows use another dev metric: see --json, field metric)' : '';
      const caption = `(${order}score = ${describeMetric(g.metric)}, x100, on the dev set${mixed}${lbCaption})`;
      const apart = i === 0 ? '' : 'scored with another metric than the table above, so ranked on its own (scores of different metrics are not comparable; re-run infer with the current metric to compare):\n';
      const notes = [
        ...(refs(g).length ? ['[baseline] rows: trivial predictors on the same dev set, not ranked (--no-baselines hides them).'] : []),
        ...(below.length ? [`below baseline: ${below.join(', ')} do not beat the best trivial baseline: the model learned less than a fixed rule (usually too few training steps or a learning rate off by 10x).`] : []),
      ];
      return apart + table(rows, lb) + '\n' + [caption, ...notes].join('\n');
    });
    if (groups.length === 0) blocks.push(table(failedRows, lb));
    io.stdout(blocks.join('\n\n') + (reasons.length ? `\nfailed:\n${reasons.join('\n')}` : ''));
  }
  return 0;
}

function failedRow(f: FailureRecord, rank: number): LeaderboardRow {
  return {
    rank,
    experiment: f.experiment,
    project: f.project,
    timestamp: f.at,
    when: f.at,
    status: 'failed',
    smoke: f.smoke,
    score: null,
    rouge1: null,
    rouge2: null,
    rougeL: null,
    metric: '',
    baselines: '',
    below_baseline: null,
    step: null,
    strategy: '',
    checkpoint: '',
    config_hash: '',
    predictions_sha256: '',
    output_path: '',
    metadata_path: '',
    tracker: '',
    warnings: '',
    note: `${f.target}: ${f.reason}`,
    public_score: null,
    private_score: null,
    submitted_at: null,
    group: null,
  };
}
