import { mkdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { writeFileAtomic } from '../fs/atomic-write';

export type Section = 'train' | 'infer' | 'submit';

/**
 * Why these files exist: Nx hashes a project's whole configuration into every
 * one of its tasks, so a config hash placed in target options would make an
 * `infer:` edit retrain too. Instead createNodes writes each section's hash to
 * a small file under Nx's workspace data, and each target reads only its own
 * file through a `cat` runtime input (a constant command: the project
 * configuration itself does not change when the YAML does).
 */
export function stampDir(workspaceRoot: string): string {
  return process.env.NX_WORKSPACE_DATA_DIRECTORY ?? join(workspaceRoot, '.nx', 'workspace-data');
}

export function stampPath(workspaceRoot: string, experiment: string, section: Section): string {
  return join(stampDir(workspaceRoot), 'autoexp', `${experiment}.${section}.hash`);
}

/** Writes the stamps that differ from what is on disk (no churn when nothing changed). */
export function writeSectionStamps(workspaceRoot: string, experiment: string, hashes: Record<Section, string>): void {
  for (const section of Object.keys(hashes) as Section[]) {
    const path = stampPath(workspaceRoot, experiment, section);
    let current: string | null = null;
    try {
      current = readFileSync(path, 'utf8');
    } catch {
      mkdirSync(join(path, '..'), { recursive: true });
    }
    if (current !== hashes[section] + '\n') writeFileAtomic(path, hashes[section] + '\n');
  }
}

/** The runtime input that hashes one section: `cat` of its stamp (a missing stamp hashes as "missing"). */
export function sectionStampInput(workspaceRoot: string, experiment: string, section: Section): { runtime: string } {
  const rel = relative(workspaceRoot, stampPath(workspaceRoot, experiment, section));
  return { runtime: `cat '${rel.replace(/'/g, `'\\''`)}' 2>/dev/null || echo missing` };
}
