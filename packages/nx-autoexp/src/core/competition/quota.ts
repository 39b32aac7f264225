import { DateTime } from 'luxon';
import type { CompetitionConfig } from '../config/types';
import { AutoexpError, EXIT_USAGE } from '../errors/autoexp-error';

/** One leaderboard day: from a reset up to (not including) the next. */
export interface QuotaDay {
  start: Date;
  end: Date;
}

/**
 * The leaderboard day holding `at`: it starts at the last `reset.time` in
 * `reset.timezone` at or before `at`. Wall-clock arithmetic in the zone, so a
 * day across a DST change is 23 or 25 hours long, as the leaderboard's is.
 */
export function quotaDay(at: Date, reset: CompetitionConfig['reset']): QuotaDay {
  const [hour, minute] = reset.time.split(':').map(Number);
  const local = DateTime.fromJSDate(at, { zone: reset.timezone });
  const resetOn = (d: DateTime) => d.set({ hour, minute, second: 0, millisecond: 0 });
  let start = resetOn(local);
  if (start > local) start = resetOn(start.minus({ days: 1 }));
  const end = resetOn(start.plus({ days: 1 }));
  return { start: start.toJSDate(), end: end.toJSDate() };
}

/** A submission that counts against the quota: an index row with `submitted_at`. */
export interface QuotaEntry {
  id: string;
  submittedAt: Date;
}

export interface QuotaStatus {
  day: QuotaDay;
  limit: number | null;
  used: number;
  /** null when the limit is unknown; never below 0. */
  remaining: number | null;
  /** The day's submissions, oldest first. */
  entries: QuotaEntry[];
}

/** How many of `entries` fall in the leaderboard day of `at`. */
export function quotaStatus(entries: QuotaEntry[], at: Date, competition: CompetitionConfig): QuotaStatus {
  const day = quotaDay(at, competition.reset);
  const today = entries.filter((e) => e.submittedAt >= day.start && e.submittedAt < day.end).sort((a, b) => a.submittedAt.getTime() - b.submittedAt.getTime());
  const limit = competition.daily_limit;
  return { day, limit, used: today.length, remaining: limit === null ? null : Math.max(0, limit - today.length), entries: today };
}

/** `2026-12-02 00:00 Asia/Seoul = 2026-12-01 15:00 UTC` (the UTC date only when it differs). */
export function formatInZone(d: Date, timezone: string): string {
  const local = DateTime.fromJSDate(d, { zone: timezone });
  const utc = DateTime.fromJSDate(d, { zone: 'UTC' });
  if (local.offset === 0 && (timezone === 'UTC' || timezone === 'Etc/UTC')) return `${utc.toFormat('yyyy-MM-dd HH:mm')} UTC`;
  const sameDate = local.toISODate() === utc.toISODate();
  return `${local.toFormat('yyyy-MM-dd HH:mm')} ${timezone} = ${utc.toFormat(sameDate ? 'HH:mm' : 'yyyy-MM-dd HH:mm')} UTC`;
}

/** "5 h 12 min" from `from` to `to`. */
export function formatDuration(from: Date, to: Date): string {
  const min = Math.max(0, Math.round((to.getTime() - from.getTime()) / 60_000));
  const h = Math.floor(min / 60);
  return h > 0 ? `${h} h ${min % 60} min` : `${min} min`;
}

export class TimeInputError extends AutoexpError {
  constructor(message: string) {
    super(message, { exitCode: EXIT_USAGE });
  }
}

/**
 * `--at`: ISO 8601 (2026-12-01T14:30:00+09:00, ...Z) or `yyyy-MM-dd HH:mm[:ss]`;
 * without an offset it is read in the competition's time zone (the
 * leaderboard's own clock).
 */
export function parseSubmissionTime(text: string, timezone: string): Date {
  const t = text.trim();
  let d = DateTime.fromISO(t, { zone: timezone, setZone: false });
  if (!d.isValid) d = DateTime.fromSQL(t, { zone: timezone });
  if (!d.isValid || !/\d{1,2}:\d{2}/.test(t)) {
    throw new TimeInputError(`--at '${text}' is not a date and time: give e.g. 2026-12-01T14:30+09:00, 2026-12-01T05:30Z, or '2026-12-01 14:30' (read in ${timezone}, the competition's time zone).`);
  }
  return d.toJSDate();
}
