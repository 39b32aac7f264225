import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { ConfigError, ConfigErrors } from './config-error';
import { isExperimentName, projectOf, splitVariant, VARIANT_SEPARATOR, variantExperiment } from '../naming/experiment-names';
import { deepMerge } from './deep-merge';
import { hashValue } from './hash';
import { trainComputeKeys } from './run-control-keys';
import { describeSchemaErrors, experimentValidator } from './schema';
import { YamlSource, hasPath, lineOf, readYamlSource } from './yaml-source';
import type { ExperimentConfig, ResolvedExperiment } from './types';
import { applyOverrides, overrideKeyOf } from '../sweep/apply-overrides';
import { expandSweep } from '../sweep/expand';
import { groupOf } from '../sweep/groups';
import { parseSweep } from '../sweep/parse-sweep';
import type { SweepSpec, SweepVariant } from '../sweep/types';

import { BASE_CONFIG, experimentFile, pickExperiment } from './experiment-files';

export { BASE_CONFIG, EXPERIMENTS_DIR, EXPERIMENT_FILE, experimentFile, pickExperiment } from './experiment-files';

export function checkExperimentName(name: string, where: string): void {
  if (!isExperimentName(name) || name.includes(VARIANT_SEPARATOR)) {
    throw new ConfigError(
      `invalid experiment folder name '${name}'`,
      where,
      null,
      null,
      'use letters, digits, "-", "_" or "." only (no spaces, no "..", no "--": it separates a sweep from its variants), e.g. experiments/kobart-lr3e-5/',
    );
  }
}

/**
 * Reads an experiment (`lr`) or one variant of a sweep (`lr--learning_rate-0.001`):
 * the file, its `extends` chain and config/base.yaml; validates; fills defaults.
 */
export function loadExperiment(workspaceRoot: string, experiment: string): ResolvedExperiment {
  return pickExperiment(loadExperimentFolder(workspaceRoot, splitVariant(experiment).folder), experiment, workspaceRoot);
}

/**
 * Everything experiments/<folder>/experiment.yaml yields: one experiment, or
 * one per variant of its `sweep:` (each the merged config with the variant's
 * overrides on top, validated on its own). Any invalid variant makes the
 * whole sweep an error, so nothing of a broken sweep runs.
 */
export function loadExperimentFolder(workspaceRoot: string, experiment: string): ResolvedExperiment[] {
  const file = experimentFile(workspaceRoot, experiment);
  const rel = (p: string) => relative(workspaceRoot, p) || p;
  checkExperimentName(experiment, rel(dirname(file)));
  if (!existsSync(file)) {
    throw new ConfigError('experiment file not found', rel(file), null, null, `create it, e.g. with: npx nx g @autoexp/nx-autoexp:experiment ${experiment} --recipe tiny-bart`);
  }
  // The chain, most specific first: experiment, its parent, grandparent, ...
  const chain: YamlSource[] = [];
  const visited: string[] = [];
  let current = file;
  for (;;) {
    if (visited.includes(current)) {
      throw new ConfigError(`'extends' cycle: ${[...visited, current].map(rel).join(' -> ')}`, rel(visited[visited.length - 1]), lineOf(chain[chain.length - 1], ['extends']), 'extends', 'remove one of the extends lines so the chain ends');
    }
    visited.push(current);
    const src = readYamlSource(current, rel(current));
    chain.push(src);
    const parent = src.value.extends;
    if (parent === undefined || parent === null) break;
    if (typeof parent !== 'string') {
      throw new ConfigError('wrong type: expected a path string', src.file, lineOf(src, ['extends']), 'extends');
    }
    const next = isAbsolute(parent) ? parent : resolve(dirname(current), parent);
    if (!existsSync(next)) {
      throw new ConfigError(`extends a file that does not exist: ${parent}`, src.file, lineOf(src, ['extends']), 'extends', 'give a path relative to this file, e.g. ../demo/experiment.yaml');
    }
    current = next;
  }

  const basePath = join(workspaceRoot, BASE_CONFIG);
  const sources: YamlSource[] = [...chain];
  let merged: Record<string, unknown> = {};
  if (existsSync(basePath)) {
    const base = readYamlSource(basePath, BASE_CONFIG);
    sources.push(base);
    merged = { ...base.value };
  }
  for (const src of [...chain].reverse()) merged = deepMerge(merged, src.value);
  delete merged.extends;

  // One quota per team: an experiment's own value would be ignored by `autoexp lb`, so it is refused.
  const ownCompetition = chain.find((s) => hasPath(s, ['competition']));
  if (ownCompetition) {
    throw new ConfigError('competition settings are workspace-wide (one leaderboard quota per team)', ownCompetition.file, lineOf(ownCompetition, ['competition']), 'competition', `move them to ${BASE_CONFIG}`);
  }
  const sweepOwner = sources.find((s) => hasPath(s, ['sweep']));
  if (sweepOwner && sweepOwner !== chain[0]) {
    throw new ConfigError(`'sweep' belongs in the experiment file it expands, not in a file others extend (${chain[0].file})`, sweepOwner.file, lineOf(sweepOwner, ['sweep']), 'sweep', `move the sweep section into ${chain[0].file}`);
  }
  delete merged.sweep;
  const finish = (config: Record<string, unknown>, id: string, variant: { v: SweepVariant; spec: SweepSpec } | null): ResolvedExperiment => {
    // Blame the most specific file that spells out the key (or its parent section); a variant's own values, the sweep entry.
    const locate = (path: (string | number)[]): { file: string; line: number | null; key: string } => {
      const swept = variant && overrideKeyOf(path, variant.v.overrides);
      if (variant && swept) return { file: chain[0].file, line: sweepEntryLine(variant.spec, variant.v, swept), key: `sweep.${variant.spec.kind}.${swept}` };
      const owner = sources.find((s) => hasPath(s, path)) ?? sources.find((s) => hasPath(s, path.slice(0, -1))) ?? chain[0];
      return { file: owner.file, line: lineOf(owner, path), key: path.join('.') };
    };
    const inVariant = variant ? `variant '${variant.v.name}': ` : '';
    const validate = experimentValidator();
    if (!validate(config)) {
      const problems = describeSchemaErrors(validate.errors ?? []);
      throw new ConfigErrors(
        problems.map((p) => {
          const at = locate(p.path);
          return new ConfigError(inVariant + p.message, at.file, at.line, at.key || null, 'the allowed keys and types are in packages/nx-autoexp/schema/experiment.schema.json (editors complete them through the yaml-language-server line)');
        }),
      );
    }
    const c = config as unknown as ExperimentConfig;
    checkSemantics(c, (path, problem, hint) => {
      const at = locate(path);
      throw new ConfigError(inVariant + problem, at.file, at.line, at.key, hint);
    });
    return {
      name: id,
      project: projectOf(id),
      file: rel(file),
      sources: sources.map((s) => s.file),
      config: c,
      hashes: sectionHashes(c),
      outputDir: outputDirOf(c, id),
      ...(variant ? { sweep: { sweep: experiment, variant: variant.v.name, overrides: variant.v.overrides, group: groupOf(experiment, variant.v.overrides, variant.spec.groupBy) } } : {}),
    };
  };
  if (!hasPath(chain[0], ['sweep'])) return [finish(merged, experiment, null)];
  const spec = parseSweep(chain[0]);
  return expandSweep(spec).map((v) => finish(applyOverrides(merged, v.overrides), variantExperiment(experiment, v.name), { v, spec }));
}

/** The line of the sweep entry that set `key` for a variant: its list item, grid key or random dimension. */
function sweepEntryLine(spec: SweepSpec, v: SweepVariant, key: string): number | null {
  if (spec.kind === 'grid') return spec.grid.find((g) => g.key === key)?.line ?? spec.line;
  if (spec.kind === 'random') return spec.random?.space.find((d) => d.key === key)?.line ?? spec.line;
  return v.line;
}

function checkSemantics(c: ExperimentConfig, blame: (path: string[], problem: string, hint: string) => never): void {
  // An ensemble trains nothing: its model settings (if any, e.g. from base.yaml) are never used.
  if (c.ensemble) return;
  // The schema cannot require model (an ensemble has none), so a file with only tags must be caught here.
  if (!c.model) {
    blame(['model'], 'no model section: an experiment trains a model (or combines others with an ensemble section)', 'add a model section (type, init and architecture or name_or_path), copy one from experiments/demo/experiment.yaml, or add ensemble: {members: [...]}');
  }
  if (c.model.init === 'random' && !c.model.architecture) {
    blame(['model', 'architecture'], 'model.init is random but model.architecture is not set', 'set model.architecture to an HF model_type such as bart, t5 or llama');
  }
  if (c.model.init === 'pretrained' && !c.model.name_or_path) {
    blame(['model', 'name_or_path'], 'model.init is pretrained but model.name_or_path is not set', 'set model.name_or_path to a hub id or a local folder with the weights, or use init: random');
  }
  if (c.model.quantization === '4bit' && !c.model.lora) {
    blame(['model', 'quantization'], '4-bit quantization (QLoRA) needs model.lora', 'add a model.lora section or set quantization: none');
  }
  if (c.checkpoint.policy === 'path' && !c.checkpoint.path) {
    blame(['checkpoint', 'path'], 'checkpoint.policy is path but checkpoint.path is not set', 'set checkpoint.path to the checkpoint folder, relative to the workspace root');
  }
}

export function outputDirOf(c: ExperimentConfig, experiment: string): string {
  return c.train.output_dir.replace(/\{experiment\}/g, experiment);
}

/** What each target's cache depends on, per section: an inference-only edit must not retrain. */
export function sectionHashes(c: ExperimentConfig): { train: string; infer: string; submit: string } {
  const d = c.data;
  return {
    // gpus: one device trains as before the key existed (same key); several (DDP) change the batch, so retrain.
    // Inference gives the same predictions on any number of devices.
    train: hashValue({ data: { dir: d.dir, train: d.train, dev: d.dev }, model: c.model, preprocess: c.preprocess, train: { ...trainComputeKeys(c.train), gpus: c.train.gpus > 1 ? c.train.gpus : undefined }, checkpoint: c.checkpoint, metric: c.metric }),
    // The metric picks the best checkpoint (eval_score) and forms the dev score.
    infer: hashValue({ data: { dir: d.dir, dev: d.dev, test: d.test, test_references: d.test_references }, infer: { ...c.infer, gpus: undefined }, metric: c.metric, ensemble: c.ensemble }),
    submit: hashValue({ data: { dir: d.dir, sample_submission: d.sample_submission }, submit: c.submit }),
  };
}
