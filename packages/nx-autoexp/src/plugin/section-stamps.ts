import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { writeFileAtomic } from '../core/fs/atomic-write';
import { workspaceDataDir } from '../core/config/workspace-data';

export type Section = 'train' | 'infer' | 'submit';
const SECTIONS: Section[] = ['train', 'infer', 'submit'];

/**
 * Why these files exist: Nx hashes a project's whole configuration into every
 * one of its tasks, so a config hash placed in target options would make an
 * `infer:` edit retrain too. Instead createNodes writes each section's hash to
 * a small file under Nx's workspace data, and each target's runtime input
 * (bin/hash-input.sh) prints only its own line: a constant command, so the
 * project configuration itself does not change when the YAML does. One file
 * per experiment, a line per section (`train <hash>`).
 */
export function stampPath(workspaceRoot: string, experiment: string): string {
  return join(workspaceDataDir(workspaceRoot), 'autoexp', `${experiment}.hash`);
}

export const stampText = (hashes: Record<Section, string>): string => SECTIONS.map((s) => `${s} ${hashes[s]}\n`).join('');

/**
 * The stamps of one createNodes call, collected while the projects are built
 * and written together at its end, as @nx/jest writes its PluginCache: building
 * targets stays free of side effects.
 */
export class SectionStamps {
  private readonly pending = new Map<string, string>();

  constructor(private readonly workspaceRoot: string) {}

  set(experiment: string, hashes: Record<Section, string>): void {
    this.pending.set(experiment, stampText(hashes));
  }

  /** Rewrites a stamp file only when its text changed (no churn when nothing did). */
  writeToDisk(): void {
    let dirMade = false;
    for (const [experiment, text] of this.pending) {
      const path = stampPath(this.workspaceRoot, experiment);
      let current: string | null = null;
      try {
        current = readFileSync(path, 'utf8');
      } catch {
        if (!dirMade) mkdirSync(dirname(path), { recursive: true });
        dirMade = true;
      }
      // Not durable: createNodes rewrites a stamp that differs before Nx hashes any task.
      if (current !== text) writeFileAtomic(path, text, { durable: false });
    }
    this.pending.clear();
  }
}
