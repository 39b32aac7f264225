#!/usr/bin/env node
// Fault injection: takes the prediction/experiment_index.csv lock the way a
// submit does, prints "locked", then hangs until killed. `kill -9` it to leave
// the stale lock a crashed submit would leave.
// usage: node tools/fault/hold-index-lock.js <workspace-root>   (needs the built plugin: npm run build)
const path = require('node:path');
const dist = path.join(__dirname, '..', '..', 'packages', 'nx-autoexp', 'dist', 'core', 'submission');
const { withFileLock, indexPath } = require(dist);

const root = process.argv[2];
if (!root) {
  process.stderr.write('usage: hold-index-lock.js <workspace-root>\n');
  process.exit(2);
}
require('node:fs').mkdirSync(path.join(root, 'prediction'), { recursive: true });
withFileLock(indexPath(root), () => {
  process.stdout.write('locked\n');
  setInterval(() => undefined, 1 << 30); // stay alive until killed
  return new Promise(() => undefined);
});
