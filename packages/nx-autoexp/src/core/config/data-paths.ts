import { isAbsolute, join, relative, resolve } from 'node:path';
import type { ExperimentConfig } from './types';

export type DataFile = 'train' | 'dev' | 'test' | 'sample_submission' | 'test_references';

/** Absolute path of one competition file (data.dir is relative to the workspace root). */
export function dataPath(workspaceRoot: string, c: ExperimentConfig, which: DataFile): string | null {
  const name = which === 'sample_submission' && c.submit.sample_submission ? c.submit.sample_submission : c.data[which];
  if (!name) return null;
  if (which === 'sample_submission' && c.submit.sample_submission) return resolve(workspaceRoot, name);
  const dir = isAbsolute(c.data.dir) ? c.data.dir : resolve(workspaceRoot, c.data.dir);
  return isAbsolute(name) ? name : join(dir, name);
}

/** Relative path when inside the workspace, else null (Nx can only hash files inside it). */
export function workspaceRelative(workspaceRoot: string, abs: string): string | null {
  const rel = relative(workspaceRoot, abs);
  return rel.startsWith('..') || isAbsolute(rel) ? null : rel;
}
