import { loadExperimentFolder } from '../config/load-experiment';
import type { ResolvedExperiment } from '../config/types';
import { TargetNames, splitVariant, sweepRunCommand } from '../naming/experiment-names';
import { SourcedValue } from './value-sources';

export interface SweepPlan {
  sweep: string;
  file: string;
  variants: { experiment: string; project: string; overrides: Record<string, unknown>; group: string | null }[];
}

/** The variants of the sweep in experiments/<name>/, or null when `name` is a plain experiment or a single variant. */
export function planSweep(root: string, name: string): SweepPlan | null {
  if (splitVariant(name).variant !== null) return null;
  const loaded = loadExperimentFolder(root, name);
  if (!loaded[0].sweep) return null;
  return {
    sweep: name,
    file: loaded[0].file,
    variants: loaded.map((e) => ({ experiment: e.name, project: e.project, overrides: e.sweep!.overrides, group: e.sweep!.group })),
  };
}

export function formatSweepPlan(p: SweepPlan, targets?: TargetNames): string {
  const width = Math.max(...p.variants.map((v) => v.project.length));
  const grouped = p.variants.some((v) => v.group);
  const lines = [`sweep ${p.sweep} (${p.file}): ${p.variants.length} variants, each its own project with train -> infer -> submit`, ''];
  for (const v of p.variants) {
    const values = Object.entries(v.overrides).map(([k, x]) => `${k}=${JSON.stringify(x)}`).join('  ');
    lines.push(`  ${v.project.padEnd(width)}  ${values}${grouped && v.group ? `  [group ${v.group}]` : ''}`);
  }
  lines.push('', `run them: ${sweepRunCommand(p.sweep, targets)}`, `one of them in detail: npx autoexp plan ${p.variants[0].experiment}`);
  return lines.join('\n');
}

/** A variant's swept values come from its sweep entry, not from where the file spells the key. */
export function markSweptValues(values: SourcedValue[], exp: ResolvedExperiment): SourcedValue[] {
  const swept = exp.sweep;
  if (!swept) return values;
  const keys = Object.keys(swept.overrides);
  return values.map((v) => (keys.some((k) => v.key === k || v.key.startsWith(`${k}.`)) ? { ...v, from: `${exp.file} sweep (variant ${swept.variant})` } : v));
}
