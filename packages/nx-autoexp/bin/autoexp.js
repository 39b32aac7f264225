#!/usr/bin/env node
// Runs the compiled CLI; `npm run build` (done by tools/setup.sh) produces dist/.
const path = require('node:path');
let main;
try {
  ({ main } = require(path.join(__dirname, '..', 'dist', 'cli', 'main.js')));
} catch (err) {
  if (err && err.code === 'MODULE_NOT_FOUND') {
    process.stderr.write('autoexp: the plugin is not built. Run `npm run build` (or `npm run setup`) in the workspace root.\n');
    process.exit(1);
  }
  throw err;
}
main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
