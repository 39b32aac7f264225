/**
 * slurm's --time value in seconds. Accepted forms (sbatch(1)): "minutes",
 * "minutes:seconds", "hours:minutes:seconds", "days-hours",
 * "days-hours:minutes", "days-hours:minutes:seconds". Null for no limit
 * (INFINITE / UNLIMITED / unset) or a value slurm would reject itself.
 */
export function slurmTimeSeconds(time: string | null | undefined): number | null {
  const t = (time ?? '').trim();
  if (!t || /^(infinite|unlimited)$/i.test(t)) return null;
  const m = /^(?:(\d+)-)?(\d+)(?::(\d+))?(?::(\d+))?$/.exec(t);
  if (!m) return null;
  const [days, a, b, c] = [m[1], m[2], m[3], m[4]].map((x) => (x === undefined ? undefined : Number(x)));
  if (days !== undefined) return days * 86400 + (a ?? 0) * 3600 + (b ?? 0) * 60 + (c ?? 0);
  if (c !== undefined) return a! * 3600 + b! * 60 + c;
  if (b !== undefined) return a! * 60 + b;
  return a! * 60;
}
