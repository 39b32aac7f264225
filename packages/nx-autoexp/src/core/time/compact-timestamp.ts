/**
 * UTC timestamps that sort as text and fit in file names: yyyymmddTHHMMSSZ
 * (run ids, job files), with milliseconds (yyyymmddTHHMMSSmmmZ) for
 * submissions, so parallel submits stay apart.
 */
export function compactTimestamp(d: Date, millis = false): string {
  const iso = d.toISOString(); // 2026-11-26T08:15:00.123Z
  const base = iso.slice(0, 19).replace(/[-:]/g, '');
  return millis ? `${base}${iso.slice(20, 23)}Z` : `${base}Z`;
}

/** A submission's `<ts>`: with milliseconds. */
export const submissionTimestamp = (d: Date): string => compactTimestamp(d, true);

/** Back to ISO 8601 ("20261126T081500123Z-2" -> "2026-11-26T08:15:00.123Z"); null if not ours. */
export function timestampToIso(ts: string): string | null {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(\d{3})Z/.exec(ts);
  return m ? `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}.${m[7]}Z` : null;
}
