import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

let cached: string | null | undefined;

/** This plugin's version, from the nearest package.json named @autoexp/nx-autoexp (src/ or dist/). */
export function autoexpVersion(): string | null {
  if (cached !== undefined) return cached;
  cached = null;
  for (let dir = __dirname; ; dir = dirname(dir)) {
    const p = join(dir, 'package.json');
    if (existsSync(p)) {
      try {
        const pkg = JSON.parse(readFileSync(p, 'utf8'));
        if (pkg.name === '@autoexp/nx-autoexp') return (cached = String(pkg.version));
      } catch {
        /* keep walking */
      }
    }
    if (dirname(dir) === dir) return cached;
  }
}

export function toolVersions(): { node: string; autoexp: string | null } {
  return { node: process.version, autoexp: autoexpVersion() };
}
