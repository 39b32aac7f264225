#!/bin/sh
':' //; if [ -n "${NODE_EXTRA_CA_CERTS:-}" ]; then AUTOEXP_NODE_EXTRA_CA_CERTS=$NODE_EXTRA_CA_CERTS; export AUTOEXP_NODE_EXTRA_CA_CERTS; unset NODE_EXTRA_CA_CERTS; fi; exec node "$0" "$@"
// The line above is sh (`':'` is the no-op builtin) and, to Node, a string
// and a comment. Run as the bin, sh starts Node without NODE_EXTRA_CA_CERTS:
// with it set, Node 20 builds its whole root certificate store before the
// first line of JS (nodejs/node#40524, 30-60 ms per start), and every Nx task
// of an experiment starts this CLI. autoexp opens no TLS connection itself;
// the variable goes back into process.env below, so every process it starts
// (the trainer, the user's commands, sbatch) sees the environment unchanged.
// `node bin/autoexp.js` skips the sh line and works the same.
const moved = process.env.AUTOEXP_NODE_EXTRA_CA_CERTS;
if (moved !== undefined) {
  process.env.NODE_EXTRA_CA_CERTS = moved;
  delete process.env.AUTOEXP_NODE_EXTRA_CA_CERTS;
}

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
