import { mkdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { writeFileAtomic } from '../fs/atomic-write';
import { shellQuote } from '../process/shell-quote';
import { workspaceDataDir } from './workspace-data';

export type Section = 'train' | 'infer' | 'submit';

/**
 * Why these files exist: Nx hashes a project's whole configuration into every
 * one of its tasks, so a config hash placed in target options would make an
 * `infer:` edit retrain too. Instead createNodes writes each section's hash to
 * a small file under Nx's workspace data, and each target reads only its own
 * line through a `grep` runtime input (a constant command: the project
 * configuration itself does not change when the YAML does). One file per
 * experiment, a line per section (`train <hash>`): a third of the files to
 * create on a cold workspace.
 */
export function stampPath(workspaceRoot: string, experiment: string): string {
  return join(workspaceDataDir(workspaceRoot), 'autoexp', `${experiment}.hash`);
}

const SECTIONS: Section[] = ['train', 'infer', 'submit'];

/** Rewrites the experiment's stamp file only when a hash changed (no churn when nothing did). */
export function writeSectionStamps(workspaceRoot: string, experiment: string, hashes: Record<Section, string>): void {
  const path = stampPath(workspaceRoot, experiment);
  const text = SECTIONS.map((s) => `${s} ${hashes[s]}\n`).join('');
  let current: string | null = null;
  try {
    current = readFileSync(path, 'utf8');
  } catch {
    mkdirSync(join(path, '..'), { recursive: true });
  }
  // Not durable: createNodes rewrites a stamp that differs before Nx hashes any task.
  if (current !== text) writeFileAtomic(path, text, { durable: false });
}

/** The runtime input that hashes one section: its line of the stamp file (a missing file hashes as "missing"). */
export function sectionStampInput(workspaceRoot: string, experiment: string, section: Section): { runtime: string } {
  const rel = relative(workspaceRoot, stampPath(workspaceRoot, experiment));
  return { runtime: `grep '^${section} ' ${shellQuote(rel)} 2>/dev/null || echo missing` };
}
