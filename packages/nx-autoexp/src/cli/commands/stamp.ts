import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { CliCommand } from '../io';

/** `autoexp stamp <file...>`: size and mtime per file, for Nx runtime inputs on data outside the workspace. */
const stamp: CliCommand = async (argv, io) => {
  for (const f of argv) {
    try {
      const s = statSync(resolve(io.cwd, f));
      io.stdout(`${f} ${s.size} ${Math.round(s.mtimeMs)}`);
    } catch {
      io.stdout(`${f} missing`);
    }
  }
  return 0;
};

export default stamp;
