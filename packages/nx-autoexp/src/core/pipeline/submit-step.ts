import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { dataPath } from '../config/data-paths';
import { loadExperimentCached } from '../config/experiment-cache';
import { writeJsonAtomic } from '../fs/atomic-write';
import { formatTrackers, recordSubmission } from '../submission';
import { readDialogues, readSummaryLengths } from '../submission/degenerate-check';
import { checkpointTrackers } from './checkpoint-trackers';
import { PipelineError } from './pipeline-error';
import { nxRunCommand } from '../naming/experiment-names';
import { runPaths } from './run-paths';
import type { StepContext } from './train-step';
import { readJsonObject } from '../fs/read-json';
import type { RougeScores } from '../scores/rouge-scores';


export interface SubmitOptions {
  /** For smoke runs: also point prediction/latest_output.csv at this submission. */
  latest?: boolean;
}

export async function submitStep(ctx: StepContext, opts: SubmitOptions = {}): Promise<{ outputPath: string; receiptPath: string }> {
  const { workspaceRoot: root, experiment, log } = ctx;
  const exp = loadExperimentCached(root, experiment);
  const paths = runPaths(experiment, ctx.smoke);
  const predictions = join(root, paths.testPredictions);
  if (!existsSync(predictions)) {
    throw new PipelineError(`no test predictions at ${paths.testPredictions}: infer has not run`, `run: ${nxRunCommand(experiment, 'infer', { smoke: ctx.smoke, targets: ctx.targets })}`);
  }
  const sample = dataPath(root, exp.config, 'sample_submission');
  if (!sample || !existsSync(sample)) {
    throw new PipelineError(`sample submission not found: ${sample}`, `set data.sample_submission (or submit.sample_submission) in experiments/${experiment}/experiment.yaml to the competition's sample_submission.csv`);
  }
  // A record an earlier step wrote: absent is null (that step wrote none), damaged is an error to act on.
  const readJson = (rel: string, step: 'train' | 'infer'): Record<string, unknown> | null => {
    const r = readJsonObject(join(root, rel));
    if (r.ok) return r.value;
    if (r.missing) return null;
    throw new PipelineError(`${rel} ${r.problem}`, `run ${step} again: ${nxRunCommand(experiment, step, { smoke: ctx.smoke, extra: '--skip-nx-cache', targets: ctx.targets })}`);
  };
  // The checkpoint infer used (a later run's when train's is gone); train's for predictions cached before infer recorded it.
  const manifest = readJson(paths.inferManifest, 'infer') ?? readJson(paths.manifest, 'train');
  const trackers = checkpointTrackers(root, manifest);
  const devScore = readJson(paths.devScore, 'infer') as RougeScores | null;
  const receipt = await recordSubmission({
    workspaceRoot: root,
    // Submissions are named by experiment (prediction/demo_<ts>/), like runs/<experiment>/.
    experiment: exp.name,
    predictionsPath: predictions,
    samplePath: sample,
    allowEmpty: exp.config.submit.allow_empty,
    // A smoke run's 4-step model is expected to be degenerate (its index row still says so).
    allowDegenerate: exp.config.submit.allow_degenerate || !!ctx.smoke,
    dialogues: readDialogues(dataPath(root, exp.config, 'test')),
    trainSummaryLengths: readSummaryLengths(dataPath(root, exp.config, 'train')),
    // A smoke submission is never mistaken for a real one: no latest_output.csv unless asked.
    updateLatest: ctx.smoke ? !!opts.latest : exp.config.submit.update_latest,
    metadata: {
      config: exp.config,
      // An ensemble trains nothing: its infer hash is the one that covers its members and method.
      configHash: exp.config.ensemble ? exp.hashes.infer : exp.hashes.train,
      checkpoint: manifest,
      trackers,
      inference: readJson(paths.inferRecord, 'infer'),
      devScores: devScore && typeof devScore.score === 'number' ? devScore : null,
      smoke: !!ctx.smoke,
    },
  });
  for (const w of receipt.warnings ?? []) log(`warning: ${w}`);
  if (receipt.duplicateOf) log(`note: these predictions are identical to submission ${receipt.duplicateOf}; no new history copy was written`);
  const receiptPath = join(root, paths.receipt);
  writeJsonAtomic(receiptPath, receipt);
  log(`submission: ${receipt.outputPath}`);
  log(`index: ${receipt.indexPath}`);
  if (trackers.length) log(`tracker: ${formatTrackers(trackers)}`);
  return { outputPath: receipt.outputPath, receiptPath };
}
