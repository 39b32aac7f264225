#!/usr/bin/env node
/**
 * Runs one autoexp pipeline step (the compiled core: trainStep, inferStep,
 * submitStep, exactly what the executors call) as a plain process, for the
 * benchmark's "steps" variant: nx:run-commands targets instead of the
 * plugin's executors, to measure what Nx's executor processes cost.
 *
 *   node run-step.js train|infer|submit EXPERIMENT     (cwd = workspace root)
 */
'use strict';
const { join } = require('node:path');

const [step, experiment] = process.argv.slice(2);
const pipeline = join(__dirname, '../../../packages/nx-autoexp/dist/core/pipeline');
const run = {
  train: () => require(join(pipeline, 'train-step')).trainStep,
  infer: () => require(join(pipeline, 'infer-step')).inferStep,
  submit: () => require(join(pipeline, 'submit-step')).submitStep,
}[step];
if (!run || !experiment) {
  console.error('usage: run-step.js train|infer|submit EXPERIMENT');
  process.exit(2);
}
run()({ workspaceRoot: process.cwd(), experiment, log: (line) => console.log(`[${experiment}] ${line}`) }).then(
  () => process.exit(0),
  (err) => {
    console.error(`[${experiment}] ERROR: ${err.message}`);
    process.exit(1);
  },
);
