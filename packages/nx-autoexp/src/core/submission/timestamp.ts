/** UTC yyyymmddTHHMMSSmmmZ: sorts as text, milliseconds keep parallel submits apart. */
export function submissionTimestamp(d: Date): string {
  return d.toISOString().replace(/[-:.]/g, '');
}

/** Back to ISO 8601 ("20261126T081500123Z-2" -> "2026-11-26T08:15:00.123Z"); null if not ours. */
export function timestampToIso(ts: string): string | null {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(\d{3})Z/.exec(ts);
  return m ? `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}.${m[7]}Z` : null;
}
