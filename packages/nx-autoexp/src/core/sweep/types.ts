/** A `sweep:` section, validated, with the line of each entry (for errors that point at it). */
export interface SweepSpec {
  /** The experiment file holding the sweep, relative to the workspace root. */
  file: string;
  /** Line of `sweep:`. */
  line: number | null;
  kind: 'grid' | 'list' | 'random';
  grid: { key: string; values: unknown[]; line: number | null }[];
  list: { name: string | null; overrides: Record<string, unknown>; line: number | null }[];
  random: { n: number; seed: number; space: RandomDimension[]; line: number | null } | null;
  maxVariants: number;
  groupBy: string[];
}

export type RandomDimension =
  | { key: string; line: number | null; choice: unknown[] }
  | { key: string; line: number | null; uniform: [number, number] }
  | { key: string; line: number | null; loguniform: [number, number] };

/** One variant: its name (the part after `--`) and the dotted config keys it overrides. */
export interface SweepVariant {
  name: string;
  overrides: Record<string, unknown>;
  /** Line of the entry that made it (list item; grid/random: the section's line). */
  line: number | null;
}

/** What a resolved variant experiment records about its sweep. */
export interface SweepMembership {
  /** The sweep's folder under experiments/ (the part before `--`). */
  sweep: string;
  variant: string;
  overrides: Record<string, unknown>;
  /** Variants with the same group differ only in `sweep.group_by` keys; null when none of those keys is swept. */
  group: string | null;
}
