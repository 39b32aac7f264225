import { variantExperiment } from '../naming/experiment-names';
import { variantName } from './variant-name';

/**
 * The group of a variant: variants whose overrides are equal apart from the
 * `group_by` keys (default train.seed) share it. Its label is the sweep and
 * the remaining values (`lr--learning_rate-0.001`; `lr` when only group keys
 * vary). Null when the variant overrides none of the group keys: a group of
 * one would show a std of nothing.
 */
export function groupOf(sweep: string, overrides: Record<string, unknown>, groupBy: string[]): string | null {
  const rest = Object.fromEntries(Object.entries(overrides).filter(([k]) => !groupBy.includes(k)));
  if (Object.keys(rest).length === Object.keys(overrides).length) return null;
  const name = variantName(rest);
  return name ? variantExperiment(sweep, name) : sweep;
}
