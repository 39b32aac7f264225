import { existsSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runProcess } from '../../../src/core/process/run-process';

export const PKG = join(__dirname, '..', '..', '..');
export const WS = join(PKG, '..', '..');

/**
 * Compiles `entry` (and what it imports) with the package's tsconfig into a
 * private folder under the git-ignored tmp/ (inside the workspace, so imports
 * resolve from node_modules), never touching the shared dist/.
 * Returns the build folder; the emitted file for src/X.ts is <build>/dist/X.js.
 */
export async function buildCli(label: string, entry: string, mustEmit: string[]): Promise<string> {
  mkdirSync(join(WS, 'tmp'), { recursive: true });
  const build = mkdtempSync(join(WS, 'tmp', `${label}-build-`));
  const tsconfig = join(build, 'tsconfig.json');
  writeFileSync(
    tsconfig,
    JSON.stringify({
      extends: join(PKG, 'tsconfig.lib.json'),
      compilerOptions: { rootDir: join(PKG, 'src'), outDir: join(build, 'dist'), declaration: false, sourceMap: false, incremental: false },
      files: [join(PKG, 'src', entry)],
      include: [],
    }),
  );
  // The package's own nested node_modules (e.g. a newer yaml than the root's) must win, as it does for src/.
  // So are the JSON Schema the config loader reads next to dist/ and the build's precompiled validators.
  for (const d of ['node_modules', 'schema', 'generated']) if (existsSync(join(PKG, d))) symlinkSync(join(PKG, d), join(build, d), 'dir');
  // Type errors elsewhere in the package do not stop emit; the files must exist.
  const res = await runProcess(join(WS, 'node_modules/.bin/tsc'), ['-p', tsconfig], { cwd: WS, tailLines: 20 });
  for (const f of mustEmit) {
    if (!existsSync(join(build, 'dist', f))) throw new Error(`tsc did not emit ${f}:\n${res.tail.join('\n')}`);
  }
  return build;
}
