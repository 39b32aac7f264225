import type { ProjectConfiguration } from '@nx/devkit';
import type { ResolvedExperiment } from '../core/config/types';
import { TargetNames, sweepRunCommand, sweepTagOf } from '../core/naming/experiment-names';

/** The target-less project that owns a sweep's file (see sweepAnchor). */
export const sweepAnchorName = (folder: string): string => `sweep-${folder}`;

/** Nx tag of every variant of a sweep: `nx run-many -t submit --projects=tag:sweep:<name>` (sweepRunCommand). */
export const sweepTag = sweepTagOf;

/** A variant's project root: a folder of its own under the sweep's (Nx keys projects by root; nothing is written there). */
export const variantRoot = (sweepRoot: string, exp: ResolvedExperiment): string => `${sweepRoot}/${exp.sweep!.variant}`;

/**
 * The node that owns experiments/<name>/ when it holds a sweep: no targets
 * (so run-many never runs it), only there because `nx affected` finds the
 * projects of a changed file by their roots, and the variants' roots do not
 * hold the file; each variant depends on it, so editing the sweep marks them
 * affected (and unchanged variants stay cache hits: their keys are their own
 * config sections, not the file).
 */
export function sweepAnchor(root: string, folder: string, variants: ResolvedExperiment[], targets: TargetNames): ProjectConfiguration {
  return {
    name: sweepAnchorName(folder),
    root,
    tags: ['autoexp-sweep'],
    targets: {},
    metadata: {
      description: `The sweep in ${root}/experiment.yaml: ${variants.length} variants, projects ${variants[0].project.replace(/--.*/, '')}--* (run them: ${sweepRunCommand(folder, targets)}; list them: npx autoexp plan ${folder}).`,
    },
  } as ProjectConfiguration;
}
