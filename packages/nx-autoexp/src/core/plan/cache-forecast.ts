import { nxRunCommand } from '../naming/experiment-names';
import { workspaceTargetNames } from '../naming/workspace-target-names';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fingerprintCheckpoint, readManifest } from '../checkpoints';
import { diffConfigValues } from '../config/config-diff';
import { runPaths } from '../pipeline/run-paths';
import { replacementCheckpoint } from '../pipeline/checkpoint-replacement';
import { isUserCheckpointFolder } from '../checkpoints/user-folder';
import type { ResolvedExperiment } from '../config/types';
import { jsonObjectOrNull } from '../fs/read-json';

export interface Forecast {
  target: 'train' | 'infer' | 'submit';
  /** `run` when we know it must run; `hit` when every input we track is unchanged since the last run. */
  verdict: 'run' | 'hit';
  why: string;
}


/**
 * What the next `nx run exp-<name>:submit` would do, from what the last run
 * left in runs/<name>/ (the same config-section hashes the Nx cache key uses).
 * Data-file and trainer-code edits are Nx file inputs: `nx` itself decides those,
 * so a `hit` here is "nothing in the config or checkpoint changed".
 */
export function forecast(root: string, exp: ResolvedExperiment, smoke = false): Forecast[] {
  const p = runPaths(exp.name, smoke);
  const out: Forecast[] = [];
  if (exp.config.ensemble) return ensembleForecast(root, exp, p);
  const resolvedCfg = jsonObjectOrNull(join(root, p.resolvedConfig));
  let trainRuns = false;
  if (!resolvedCfg) {
    trainRuns = true;
    out.push({ target: 'train', verdict: 'run', why: 'never trained (no runs/<exp>/train/resolved-config.json)' });
  } else if (resolvedCfg.config_hash !== exp.hashes.train) {
    trainRuns = true;
    const changed = diffKeys(resolvedCfg, exp);
    out.push({ target: 'train', verdict: 'run', why: `train config changed since the last train${changed.length ? `: ${changed.slice(0, 8).join(', ')}` : ''}` });
  } else {
    out.push({ target: 'train', verdict: 'hit', why: `train config unchanged since run ${resolvedCfg.run_id} (hash ${exp.hashes.train.slice(0, 12)})` });
  }

  let inferRuns = trainRuns;
  const record = jsonObjectOrNull(join(root, p.inferRecord));
  if (trainRuns) out.push({ target: 'infer', verdict: 'run', why: 'train will produce a new checkpoint' });
  else if (!record) {
    inferRuns = true;
    out.push({ target: 'infer', verdict: 'run', why: 'never inferred' });
  } else {
    const { problem, note = '' } = checkpointProblem(root, exp, p.manifest, smoke);
    const changed = record.config_hash !== exp.hashes.infer;
    const retrain = () => nxRunCommand(exp.name, 'train', { smoke, extra: '--skip-nx-cache', targets: workspaceTargetNames(root) });
    // Only a `path` checkpoint's folder is in infer's cache key.
    const keyed = isUserCheckpointFolder(exp.config);
    inferRuns = changed || (problem !== null && keyed);
    if (problem && keyed) out.push({ target: 'infer', verdict: 'run', why: `${problem}: infer will run and fail until you retrain (${retrain()})` });
    else if (problem && changed) out.push({ target: 'infer', verdict: 'run', why: `infer config changed since the last inference, but ${problem}: infer will fail until you retrain (${retrain()})` });
    else if (changed) out.push({ target: 'infer', verdict: 'run', why: `infer config changed since the last inference${note}` });
    else if (problem) out.push({ target: 'infer', verdict: 'hit', why: `infer config unchanged, so its cached predictions stay; but ${problem}: a change to infer will need a retrain (${retrain()})` });
    else out.push({ target: 'infer', verdict: 'hit', why: note ? `infer config unchanged${note}` : 'infer config and checkpoint unchanged' });
  }

  const receipt = existsSync(join(root, p.receipt));
  if (!receipt) out.push({ target: 'submit', verdict: 'run', why: 'never submitted' });
  else if (inferRuns) out.push({ target: 'submit', verdict: 'run', why: 'runs only if the new predictions differ from the last ones (byte-identical predictions are a cache hit)' });
  else out.push({ target: 'submit', verdict: 'hit', why: 'predictions unchanged' });
  return out;
}

/** An ensemble trains nothing; its infer follows its config and its members' predictions (which Nx hashes). */
function ensembleForecast(root: string, exp: ResolvedExperiment, p: ReturnType<typeof runPaths>): Forecast[] {
  const record = jsonObjectOrNull(join(root, p.inferRecord));
  const infer: Forecast = !record
    ? { target: 'infer', verdict: 'run', why: 'never ensembled' }
    : record.config_hash !== exp.hashes.infer
      ? { target: 'infer', verdict: 'run', why: 'ensemble or infer config changed since the last run' }
      : { target: 'infer', verdict: 'hit', why: "config unchanged; runs again only if a member's predictions change" };
  const submit: Forecast = !existsSync(join(root, p.receipt))
    ? { target: 'submit', verdict: 'run', why: 'never submitted' }
    : infer.verdict === 'run'
      ? { target: 'submit', verdict: 'run', why: 'runs only if the new predictions differ from the last ones (byte-identical predictions are a cache hit)' }
      : { target: 'submit', verdict: 'hit', why: 'predictions unchanged' };
  return [infer, submit];
}

/** What keeps infer from using train's checkpoint (null: nothing), and a note when a later run's stands in. */
function checkpointProblem(root: string, exp: ResolvedExperiment, manifestPath: string, smoke: boolean): { problem: string | null; note?: string } {
  const abs = join(root, manifestPath);
  if (!existsSync(abs)) return { problem: 'no checkpoint manifest' };
  try {
    const m = readManifest(abs);
    const dir = resolve(root, m.path);
    if (!existsSync(dir)) {
      const later = replacementCheckpoint(root, exp, m, smoke);
      if (later) return { problem: null, note: `; the checkpoint ${m.path} is gone: infer uses ${later.path} of run ${later.run_id}, a later training of the same train config` };
      return { problem: `the checkpoint ${m.path} is gone` };
    }
    if (fingerprintCheckpoint(dir) !== m.fingerprint) return { problem: `the weights in ${m.path} changed since train` };
    return { problem: null };
  } catch (err) {
    return { problem: `the manifest is unreadable (${(err as Error).message.split('\n')[0]})` };
  }
}

/** Dotted keys of the train-relevant sections that differ from the last resolved config. */
function diffKeys(last: Record<string, unknown>, exp: ResolvedExperiment): string[] {
  const sections = (c: Record<string, unknown>) => ({ model: c.model, preprocess: c.preprocess, train: c.train, checkpoint: c.checkpoint, metric: c.metric });
  const ignore = /^train\.(output_dir|run_dir|command)$/;
  return diffConfigValues(sections(last), sections(exp.config as unknown as Record<string, unknown>), (k) => ignore.test(k)).map((d) => d.key);
}
