import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ValidationResult } from './types';
import { adapterWeights, checkWeightFiles, fullModelWeights } from './weight-files';
import { errCode } from '../fs/fs-error';
import { readJsonObject } from '../fs/read-json';

/**
 * Is this folder a loadable model? Required files per kind, every shard named
 * in an index, safetensors headers vs file sizes, and a tokenizer (or, for an
 * adapter, the base model it was trained on). Never throws: an unreadable
 * folder is an invalid candidate with the reason.
 */

const VOCAB_FILES = ['vocab.json', 'vocab.txt', 'spiece.model', 'sentencepiece.bpe.model', 'tokenizer.model', 'sentencepiece.model'];

/** '' when a tokenizer can be loaded from the folder, else what is missing. */
export function tokenizerProblem(names: Set<string>): string {
  if (names.has('tokenizer.json')) return '';
  if (names.has('tokenizer_config.json') && VOCAB_FILES.some((v) => names.has(v))) return '';
  if (names.has('tokenizer_config.json')) return `tokenizer_config.json but no vocabulary file (${VOCAB_FILES.join(', ')})`;
  return 'no tokenizer (tokenizer.json, or tokenizer_config.json with a vocabulary file)';
}

/** Lists a folder; the listing doubles as the set of present files for all checks. */
export function listFolder(dir: string): { ok: true; names: Set<string> } | { ok: false; reason: string } {
  try {
    return { ok: true, names: new Set(readdirSync(dir)) };
  } catch (err) {
    const code = errCode(err);
    if (code === 'ENOENT') return { ok: false, reason: 'folder does not exist (or is a broken symlink)' };
    if (code === 'ENOTDIR') return { ok: false, reason: 'not a folder (a file is in its place)' };
    return { ok: false, reason: `cannot read folder (${code})` };
  }
}

export function validateListedCheckpoint(dir: string, names: Set<string>): ValidationResult {
  if (names.size === 0) return { valid: false, kind: null, reason: 'empty folder (a save that crashed or is still running?)' };

  if (names.has('adapter_config.json')) {
    const w = adapterWeights(names);
    if (!w.ok) return { valid: false, kind: 'adapter', reason: w.problem };
    const problem = checkWeightFiles(dir, w.weights);
    if (problem) return { valid: false, kind: 'adapter', reason: problem };
    const cfg = readJsonObject(join(dir, 'adapter_config.json'));
    if (!cfg.ok) return { valid: false, kind: 'adapter', reason: `adapter_config.json ${cfg.problem}` };
    const base = cfg.value.base_model_name_or_path;
    const tok = tokenizerProblem(names);
    if (tok && !(typeof base === 'string' && base.length > 0)) {
      return { valid: false, kind: 'adapter', reason: `${tok}, and adapter_config.json records no base_model_name_or_path to load one from` };
    }
    return { valid: true, kind: 'adapter', reason: `ok: adapter (${w.weights.label}), tokenizer ${tok ? `from base model ${base}` : 'in folder'}` };
  }

  const w = fullModelWeights(dir, names);
  if (!w.ok) return { valid: false, kind: null, reason: w.problem };
  const problem = checkWeightFiles(dir, w.weights);
  if (problem) return { valid: false, kind: 'full', reason: problem };
  if (!names.has('config.json')) return { valid: false, kind: 'full', reason: 'no config.json' };
  const cfg = readJsonObject(join(dir, 'config.json'));
  if (!cfg.ok) return { valid: false, kind: 'full', reason: `config.json ${cfg.problem}` };
  const tok = tokenizerProblem(names);
  if (tok) return { valid: false, kind: 'full', reason: tok };
  return { valid: true, kind: 'full', reason: `ok: full model (${w.weights.label}), tokenizer` };
}

export function validateCheckpoint(dir: string): ValidationResult {
  const listing = listFolder(dir);
  if (!listing.ok) return { valid: false, kind: null, reason: listing.reason };
  return validateListedCheckpoint(dir, listing.names);
}
