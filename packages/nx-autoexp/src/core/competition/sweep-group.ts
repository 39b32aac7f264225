/**
 * The sweep an experiment belongs to: sweep variants are Nx projects named
 * `exp-<name>--<variant>` (docs/architecture.md), so the group is
 * `exp-<name>`; null for an experiment that is no sweep's variant.
 */
export function sweepGroupOf(experiment: string): string | null {
  const i = experiment.indexOf('--');
  return i > 0 ? experiment.slice(0, i) : null;
}
