import { formatInZone, parseSubmissionTime, quotaDay, quotaStatus } from './quota';

const seoul = { daily_limit: 3, reset: { time: '00:00', timezone: 'Asia/Seoul' } };
const iso = (d: Date) => d.toISOString();
const at = (s: string) => new Date(s);
const entry = (id: string, s: string) => ({ id, submittedAt: at(s) });

describe('quotaDay', () => {
  it('starts at the last reset in the competition time zone', () => {
    // 23:50 KST on Dec 1 is 14:50 UTC; the day began at 00:00 KST Dec 1 = 15:00 UTC Nov 30.
    const d = quotaDay(at('2026-12-01T14:50:00Z'), seoul.reset);
    expect([iso(d.start), iso(d.end)]).toEqual(['2026-11-30T15:00:00.000Z', '2026-12-01T15:00:00.000Z']);
    // Ten minutes later it is Dec 2 in Seoul: the next day.
    const next = quotaDay(at('2026-12-01T15:00:00Z'), seoul.reset);
    expect(iso(next.start)).toBe('2026-12-01T15:00:00.000Z');
  });

  it('a reset time other than midnight: before it, the day is still yesterday\'s', () => {
    const reset = { time: '09:00', timezone: 'UTC' };
    expect(iso(quotaDay(at('2026-12-01T08:59:59Z'), reset).start)).toBe('2026-11-30T09:00:00.000Z');
    expect(iso(quotaDay(at('2026-12-01T09:00:00Z'), reset).start)).toBe('2026-12-01T09:00:00.000Z');
  });

  it('a day across a DST change is 23 hours long, reset at local wall time', () => {
    // Europe/Berlin springs forward on 2026-03-29.
    const d = quotaDay(at('2026-03-29T12:00:00Z'), { time: '00:00', timezone: 'Europe/Berlin' });
    expect(iso(d.start)).toBe('2026-03-28T23:00:00.000Z'); // 00:00 CET
    expect(iso(d.end)).toBe('2026-03-29T22:00:00.000Z'); // 00:00 CEST
  });
});

describe('quotaStatus across a reset boundary (time injected)', () => {
  const entries = [entry('a', '2026-12-01T14:40:00Z'), entry('b', '2026-12-01T14:55:00Z'), entry('c', '2026-12-01T14:58:00Z'), entry('d', '2026-12-01T15:05:00Z')];

  it('counts the three before midnight KST in one day and the one after in the next', () => {
    const before = quotaStatus(entries, at('2026-12-01T14:59:00Z'), seoul);
    expect([before.used, before.remaining, before.entries.map((e) => e.id)]).toEqual([3, 0, ['a', 'b', 'c']]);
    const after = quotaStatus(entries, at('2026-12-01T15:10:00Z'), seoul);
    expect([after.used, after.remaining, after.entries.map((e) => e.id)]).toEqual([1, 2, ['d']]);
  });

  it('an unknown limit counts but has no remaining', () => {
    const s = quotaStatus(entries, at('2026-12-01T14:59:00Z'), { ...seoul, daily_limit: null });
    expect([s.used, s.remaining]).toEqual([3, null]);
  });
});

describe('parseSubmissionTime', () => {
  it('an offset or Z is absolute; without one it is read in the competition time zone', () => {
    expect(iso(parseSubmissionTime('2026-12-01T14:30:00+09:00', 'UTC'))).toBe('2026-12-01T05:30:00.000Z');
    expect(iso(parseSubmissionTime('2026-12-01T05:30Z', 'Asia/Seoul'))).toBe('2026-12-01T05:30:00.000Z');
    expect(iso(parseSubmissionTime('2026-12-01 14:30', 'Asia/Seoul'))).toBe('2026-12-01T05:30:00.000Z');
    expect(iso(parseSubmissionTime('2026-12-01T14:30', 'Asia/Seoul'))).toBe('2026-12-01T05:30:00.000Z');
  });

  it('a date without a time, or junk, is an error that shows the accepted forms', () => {
    expect(() => parseSubmissionTime('2026-12-01', 'UTC')).toThrow(/not a date and time: give e\.g\. 2026-12-01T14:30\+09:00/);
    expect(() => parseSubmissionTime('yesterday', 'Asia/Seoul')).toThrow(/read in Asia\/Seoul/);
  });
});

it('formatInZone shows the local time and UTC', () => {
  expect(formatInZone(at('2026-12-01T15:00:00Z'), 'Asia/Seoul')).toBe('2026-12-02 00:00 Asia/Seoul = 2026-12-01 15:00 UTC');
  expect(formatInZone(at('2026-12-01T05:30:00Z'), 'Asia/Seoul')).toBe('2026-12-01 14:30 Asia/Seoul = 05:30 UTC');
  expect(formatInZone(at('2026-12-01T15:00:00Z'), 'UTC')).toBe('2026-12-01 15:00 UTC');
});
