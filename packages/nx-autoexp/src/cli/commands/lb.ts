import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { CliIO, UserError } from '../io';
import type { CompetitionConfig } from '../../core/config/types';
import {
  PickResult,
  QuotaStatus,
  ScoreScale,
  formatDuration,
  formatInZone,
  formatX100,
  parseLeaderboardScore,
  parseSubmissionTime,
  quotaReport,
  readCompetitionConfig,
  recordLeaderboardScore,
  suggestFinalPicks,
} from '../../core/competition';

const USAGE = `usage: autoexp lb record <experiment | submission-id> <public-score> [--private <score>] [--at <time>] [--note <text>] [--scale x100|fraction]
       autoexp lb status [<experiment | submission-id>] [--at <time>]
       autoexp lb pick [--n 2] [--max-overlap 0.9]
       (each also takes --json and --workspace <dir>)

The competition's leaderboard beside the dev scores, in prediction/experiment_index.csv
(columns public_score, private_score, submitted_at).

record   stores the leaderboard score of an uploaded submission: a submission id
         (demo_<timestamp>, its folder under prediction/, or the timestamp alone)
         or an experiment (its latest submission, the one latest_output.csv holds).
         Scores as the leaderboard shows them (46.85) or as fractions (0.4685): a value
         above 1 is read as x100; --scale forces one. Stored as fractions, like the dev score.
         --at: when it was uploaded (default now); ISO 8601 with an offset, or
         'yyyy-MM-dd HH:mm' in the competition's time zone. Warns, and records, when the
         same file was scored before or the day's quota (competition.daily_limit) was used.
status   used and remaining submissions of the leaderboard day (competition.reset in
         config/base.yaml) and the next reset; with a submission, whether uploading it
         would waste one (its file already has a score). --at: ask about another moment.
pick     suggests the final selection: the best public score, then the best dev score
         among the rest that is not a near-duplicate of a pick (at least --max-overlap of
         its summaries identical). A suggestion with its reasons: you choose on the site.`;

const COMMON = {
  json: { type: 'boolean', default: false },
  workspace: { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

export default async function lbCommand(argv: string[], io: CliIO): Promise<number> {
  const [sub, ...rest] = argv;
  if (!sub || sub === '--help' || sub === '-h') {
    io.stdout(USAGE);
    return sub ? 0 : 2;
  }
  const run = SUBCOMMANDS[sub];
  if (!run) throw new UserError(`unknown subcommand '${sub}': use record, status or pick.\n${USAGE}`, 2);
  // Bad scores and times exit 2, index and config problems 1: each error carries its exit code (cli/main.ts prints it).
  return run(rest, io);
}

const SUBCOMMANDS: Record<string, (argv: string[], io: CliIO) => Promise<number>> = { record, status, pick };

function workspaceOf(io: CliIO, dir: string | undefined): { root: string; competition: CompetitionConfig } {
  const root = resolve(io.cwd, dir ?? '.');
  return { root, competition: readCompetitionConfig(root) };
}

function quotaLines(q: QuotaStatus, c: CompetitionConfig, at: Date): string[] {
  const tz = c.reset.timezone;
  const count = q.limit === null ? `${q.used} used (no competition.daily_limit set in config/base.yaml)` : `${q.used} of ${q.limit} used, ${q.remaining} left`;
  return [
    `leaderboard day from ${formatInZone(q.day.start, tz)}: ${count}`,
    `next reset: ${formatInZone(q.day.end, tz)}${q.day.end > at ? `, in ${formatDuration(at, q.day.end)}` : ''}`,
  ];
}

async function record(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { ...COMMON, private: { type: 'string' }, at: { type: 'string' }, note: { type: 'string' }, scale: { type: 'string' } },
  });
  if (values.help) {
    io.stdout(USAGE);
    return 0;
  }
  if (positionals.length !== 2) throw new UserError(`lb record takes a submission and its public score, got ${positionals.length} argument${positionals.length === 1 ? '' : 's'}.\n${USAGE}`, 2);
  if (values.scale !== undefined && values.scale !== 'x100' && values.scale !== 'fraction') throw new UserError(`--scale must be x100 or fraction, not '${values.scale}'.`, 2);
  const scale = values.scale as ScoreScale | undefined;
  const [ref, publicText] = positionals;
  const pub = parseLeaderboardScore(publicText, 'public score', scale);
  const priv = values.private === undefined ? null : parseLeaderboardScore(values.private, 'private score', scale);
  const { root, competition } = workspaceOf(io, values.workspace);
  const submittedAt = values.at === undefined ? undefined : parseSubmissionTime(values.at, competition.reset.timezone);
  const res = await recordLeaderboardScore({ workspaceRoot: root, ref, publicScore: pub.fraction, privateScore: priv?.fraction ?? null, submittedAt, note: values.note, competition });
  if (values.json) {
    io.stdout(JSON.stringify({ ...res, scaleRead: pub.scale }, null, 2));
    return 0;
  }
  for (const w of res.warnings) io.stderr(`warning: ${w}`);
  const tz = competition.reset.timezone;
  const dev = res.row.score === '' ? null : Number(res.row.score);
  io.stdout(
    [
      `recorded ${res.id}: public ${formatX100(pub.fraction)}${res.row.private_score ? `, private ${formatX100(Number(res.row.private_score))}` : ''}` +
        ` (read ${publicText} as ${pub.scale === 'x100' ? 'x100' : 'a fraction'}; stored as fractions in prediction/experiment_index.csv)`,
      `uploaded ${formatInZone(new Date(res.row.submitted_at), tz)}; dev ${formatX100(dev)} -> public ${formatX100(pub.fraction)}` +
        (dev === null ? '' : ` (${pub.fraction - dev >= 0 ? '+' : ''}${((pub.fraction - dev) * 100).toFixed(2)})`),
      ...(res.previous ? [`(this submission was recorded before: public ${formatX100(res.previous.publicScore)}; updated)`] : []),
      ...quotaLines(res.quota, competition, new Date()),
    ].join('\n'),
  );
  return 0;
}

async function status(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { ...COMMON, at: { type: 'string' } } });
  if (values.help) {
    io.stdout(USAGE);
    return 0;
  }
  if (positionals.length > 1) throw new UserError(`lb status takes at most one submission, got ${positionals.length}.\n${USAGE}`, 2);
  const { root, competition } = workspaceOf(io, values.workspace);
  const tz = competition.reset.timezone;
  const at = values.at === undefined ? new Date() : parseSubmissionTime(values.at, tz);
  const rep = quotaReport(root, competition, at, positionals[0]);
  if (values.json) {
    io.stdout(JSON.stringify({ competition, ...rep }, null, 2));
    return 0;
  }
  const lines = [`competition: daily_limit ${competition.daily_limit ?? 'unknown'}, reset ${competition.reset.time} ${tz} (config/base.yaml)`, ...quotaLines(rep.quota, competition, at)];
  for (const e of rep.quota.entries) lines.push(`  ${formatInZone(e.submittedAt, tz)}  ${e.id}  public ${formatX100(rep.publicScores[e.id])}`);
  const s = rep.submission;
  if (s) {
    if (s.recorded) lines.push(`${s.id}: uploaded already${s.recorded.submittedAt ? ` at ${formatInZone(new Date(s.recorded.submittedAt), tz)}` : ''}, public ${formatX100(s.recorded.publicScore)}.`);
    else if (s.sameFile.length) lines.push(`${s.id}: do not upload: its predictions are identical (sha256) to ${s.sameFile.map((f) => `${f.id} (public ${formatX100(f.publicScore)})`).join(', ')}; another upload would waste a submission.`);
    else lines.push(`${s.id}: not uploaded yet, and no identical file has a score.`);
  }
  io.stdout(lines.join('\n'));
  return 0;
}

function pickText(r: PickResult, n: number): string {
  const row = (c: PickResult['picks'][number]['candidate']) => `${c.id}  public ${formatX100(c.public)}  dev ${formatX100(c.dev)}${c.private === null ? '' : `  private ${formatX100(c.private)}`}`;
  const lines = [`suggested final selection: ${r.picks.length} of ${n} asked, from ${r.considered} scored submission${r.considered === 1 ? '' : 's'} (a suggestion: select them on the competition's site yourself)`];
  r.picks.forEach((p, i) => lines.push(`  ${i + 1}. ${row(p.candidate)}`, `     why: ${p.reason}`));
  if (r.skipped.length) {
    lines.push('passed over:');
    for (const s of r.skipped) lines.push(`  ${row(s.candidate)}`, `     why: ${s.reason}`);
  }
  if (r.shortfall) lines.push(`fewer picks than asked: ${r.shortfall}.`);
  return lines.join('\n');
}

async function pick(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { ...COMMON, n: { type: 'string', default: '2' }, 'max-overlap': { type: 'string', default: '0.9' } } });
  if (values.help) {
    io.stdout(USAGE);
    return 0;
  }
  if (positionals.length > 0) throw new UserError(`unexpected argument '${positionals[0]}'.\n${USAGE}`, 2);
  const n = Number(values.n);
  if (!Number.isInteger(n) || n < 1) throw new UserError(`--n must be a whole number of at least 1, not '${values.n}'.`, 2);
  const maxOverlap = Number(values['max-overlap']);
  if (!Number.isFinite(maxOverlap) || maxOverlap <= 0 || maxOverlap > 1) throw new UserError(`--max-overlap must be a share above 0 and at most 1 (0.9 = 90% identical summaries), not '${values['max-overlap']}'.`, 2);
  const root = resolve(io.cwd, values.workspace ?? '.');
  const r = suggestFinalPicks(root, { n, maxOverlap });
  if (values.json) {
    io.stdout(JSON.stringify(r, null, 2));
    return r.picks.length ? 0 : 1;
  }
  if (r.picks.length === 0) throw new UserError(`nothing to suggest: ${r.shortfall}. Record leaderboard scores with \`autoexp lb record <experiment> <public-score>\` first.`, 1);
  io.stdout(pickText(r, n));
  return 0;
}
