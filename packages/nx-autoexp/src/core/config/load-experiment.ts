import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { ConfigError, ConfigErrors } from './config-error';
import { isExperimentName, projectOf } from '../naming/experiment-names';
import { deepMerge } from './deep-merge';
import { hashValue } from './hash';
import { trainComputeKeys } from './run-control-keys';
import { describeSchemaErrors, experimentValidator } from './schema';
import { YamlSource, hasPath, lineOf, readYamlSource } from './yaml-source';
import type { ExperimentConfig, ResolvedExperiment } from './types';

export const BASE_CONFIG = 'config/base.yaml';
export const EXPERIMENTS_DIR = 'experiments';
export const EXPERIMENT_FILE = 'experiment.yaml';

export function experimentFile(workspaceRoot: string, experiment: string): string {
  return join(workspaceRoot, EXPERIMENTS_DIR, experiment, EXPERIMENT_FILE);
}

export function checkExperimentName(name: string, where: string): void {
  if (!isExperimentName(name)) {
    throw new ConfigError(
      `invalid experiment folder name '${name}'`,
      where,
      null,
      null,
      'use letters, digits, "-", "_" or "." only (no spaces, no ".."), e.g. experiments/kobart-lr3e-5/',
    );
  }
}

/** Reads the experiment, its `extends` chain and config/base.yaml; validates; fills defaults. */
export function loadExperiment(workspaceRoot: string, experiment: string): ResolvedExperiment {
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

  const validate = experimentValidator();
  if (!validate(merged)) {
    const problems = describeSchemaErrors(validate.errors ?? []);
    throw new ConfigErrors(
      problems.map((p) => {
        // Blame the most specific file that spells out the key (or its parent section).
        const owner = sources.find((s) => hasPath(s, p.path)) ?? sources.find((s) => hasPath(s, p.path.slice(0, -1))) ?? chain[0];
        return new ConfigError(p.message, owner.file, lineOf(owner, p.path), p.path.join('.') || null, 'the allowed keys and types are in packages/nx-autoexp/schema/experiment.schema.json (editors complete them through the yaml-language-server line)');
      }),
    );
  }
  const config = merged as unknown as ExperimentConfig;
  checkSemantics(config, chain[0], sources);
  // One quota per team: an experiment's own value would be ignored by `autoexp lb`, so it is refused.
  const ownCompetition = chain.find((s) => hasPath(s, ['competition']));
  if (ownCompetition) {
    throw new ConfigError('competition settings are workspace-wide (one leaderboard quota per team)', ownCompetition.file, lineOf(ownCompetition, ['competition']), 'competition', `move them to ${BASE_CONFIG}`);
  }
  return {
    name: experiment,
    project: projectOf(experiment),
    file: rel(file),
    sources: sources.map((s) => s.file),
    config,
    hashes: sectionHashes(config),
    outputDir: outputDirOf(config, experiment),
  };
}

function checkSemantics(c: ExperimentConfig, own: YamlSource, sources: YamlSource[]): void {
  const blame = (path: string[], problem: string, hint: string) => {
    const owner = sources.find((s) => hasPath(s, path)) ?? own;
    throw new ConfigError(problem, owner.file, lineOf(owner, path), path.join('.'), hint);
  };
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
    infer: hashValue({ data: { dir: d.dir, dev: d.dev, test: d.test, test_references: d.test_references }, infer: { ...c.infer, gpus: undefined }, metric: c.metric }),
    submit: hashValue({ data: { dir: d.dir, sample_submission: d.sample_submission }, submit: c.submit }),
  };
}
