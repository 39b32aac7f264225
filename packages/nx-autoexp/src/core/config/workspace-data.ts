import { join } from 'node:path';

/** Nx's workspace data folder (derived files Nx keeps out of git and its cache); Nx honours the same variable. */
export function workspaceDataDir(workspaceRoot: string): string {
  return process.env.NX_WORKSPACE_DATA_DIRECTORY ?? join(workspaceRoot, '.nx', 'workspace-data');
}
