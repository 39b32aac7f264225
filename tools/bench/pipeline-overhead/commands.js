#!/usr/bin/env node
/**
 * The exact commands the pipeline runs for one experiment, for running them
 * "by hand" (built with the plugin's own compiled code, so both sides run the
 * same processes with the same arguments):
 *
 *   node commands.js config ROOT EXPERIMENT OUT_DIR   writes OUT_DIR/resolved-config.json (training into OUT_DIR/run), prints its path
 *   node commands.js infer ROOT EXPERIMENT CHECKPOINT OUT_DIR
 *                                                     prints JSON: [{command,args}] for predict dev, predict test, score dev
 */
'use strict';
const { mkdirSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const DIST = join(__dirname, '../../../packages/nx-autoexp/dist/core');
const { loadExperiment } = require(join(DIST, 'config/load-experiment'));
const { buildResolvedConfig, newRunId } = require(join(DIST, 'config/resolved-config'));
const { dataPath } = require(join(DIST, 'config/data-paths'));
const { strategiesOf } = require(join(DIST, 'pipeline/infer-step'));
const { buildStrategyCommand } = require(join(DIST, 'infer/strategy-command'));
const { resolvePython } = require(join(DIST, 'pipeline/python'));

const [mode, root, experiment, ...rest] = process.argv.slice(2);
const exp = loadExperiment(root, experiment);
const python = resolvePython(root);

if (mode === 'config') {
  const [outDir] = rest;
  const resolved = buildResolvedConfig(root, exp, newRunId(exp.hashes.train));
  resolved.train = { ...resolved.train, output_dir: outDir, run_dir: join(outDir, 'run') };
  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, 'resolved-config.json');
  writeFileSync(file, JSON.stringify(resolved, null, 2));
  console.log(JSON.stringify({ command: python, args: ['-m', 'autoexp_trainer', 'train', '--config', file] }));
} else if (mode === 'infer') {
  const [checkpoint, outDir] = rest;
  // The first strategy: what the pipeline runs when nothing fails.
  const strategy = strategiesOf(exp.config)[0];
  const dev = dataPath(root, exp.config, 'dev');
  const cmds = ['dev', 'test'].map((split) =>
    buildStrategyCommand(strategy, { python, checkpoint, input: dataPath(root, exp.config, split), output: join(outDir, `${split}.csv`) }),
  );
  cmds.push({ command: python, args: ['-m', 'autoexp_trainer', 'score', '--predictions', join(outDir, 'dev.csv'), '--references', dev, '--json'] });
  console.log(JSON.stringify(cmds));
} else {
  console.error('usage: commands.js config ROOT EXPERIMENT OUT_DIR | infer ROOT EXPERIMENT CHECKPOINT OUT_DIR');
  process.exit(2);
}
