import { closeSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { readSafetensorsHeader } from './safetensors-header';
import { errCode } from '../fs/fs-error';

/**
 * Which files hold a checkpoint's weights, and a cheap completeness check of
 * each. Shared by validation and fingerprinting so both agree on "the weights".
 */

export const SAFETENSORS_INDEX = 'model.safetensors.index.json';
export const BIN_INDEX = 'pytorch_model.bin.index.json';
export const FULL_WEIGHT_NAMES = ['model.safetensors', SAFETENSORS_INDEX, 'pytorch_model.bin', BIN_INDEX];
export const ADAPTER_WEIGHT_NAMES = ['adapter_model.safetensors', 'adapter_model.bin'];

export interface WeightSet {
  /** Names relative to the checkpoint folder: the index (if any) first, then the weight files. */
  files: string[];
  /** Human label, e.g. "model.safetensors" or "3 safetensors shards". */
  label: string;
}

export type WeightLookup = { ok: true; weights: WeightSet } | { ok: false; problem: string };

/** Shards named in an HF index file's weight_map, in first-seen order. */
function readShardIndex(dir: string, indexName: string): { ok: true; shards: string[] } | { ok: false; problem: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(join(dir, indexName), 'utf8'));
  } catch (err) {
    return { ok: false, problem: `${indexName} is unreadable or not JSON (${errCode(err)})` };
  }
  const map = (parsed as { weight_map?: unknown })?.weight_map;
  if (!map || typeof map !== 'object') return { ok: false, problem: `${indexName} has no weight_map` };
  const shards = [...new Set(Object.values(map as Record<string, unknown>).map(String))];
  if (shards.length === 0) return { ok: false, problem: `${indexName} weight_map is empty` };
  return { ok: true, shards };
}

/** Picks the weight files of a full model folder from its listing (safetensors preferred, like HF). */
export function fullModelWeights(dir: string, names: Set<string>): WeightLookup {
  for (const [index, single] of [
    [SAFETENSORS_INDEX, 'model.safetensors'],
    [BIN_INDEX, 'pytorch_model.bin'],
  ] as const) {
    if (names.has(index)) {
      const idx = readShardIndex(dir, index);
      if (!idx.ok) return idx;
      return { ok: true, weights: { files: [index, ...idx.shards], label: `${idx.shards.length} shard(s) from ${index}` } };
    }
    if (names.has(single)) return { ok: true, weights: { files: [single], label: single } };
  }
  return { ok: false, problem: `no model weights (expected model.safetensors, ${SAFETENSORS_INDEX} or pytorch_model.bin)` };
}

export function adapterWeights(names: Set<string>): WeightLookup {
  for (const n of ADAPTER_WEIGHT_NAMES) if (names.has(n)) return { ok: true, weights: { files: [n], label: n } };
  return { ok: false, problem: 'adapter_config.json but no adapter_model.safetensors or adapter_model.bin' };
}

/**
 * torch.save writes a zip: its end-of-central-directory record sits at the
 * end, so a truncated file lacks it. Old pickle-format files only get a
 * non-empty check.
 */
function checkTorchBin(file: string): string {
  const fd = openSync(file, 'r');
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) return 'not a regular file';
    if (st.size === 0) return 'empty file';
    const head = Buffer.alloc(4);
    readSync(fd, head, 0, 4, 0);
    if (head.readUInt32LE(0) !== 0x04034b50) return '';
    const tailLen = Math.min(st.size, 22 + 65535);
    const tail = Buffer.alloc(tailLen);
    readSync(fd, tail, 0, tailLen, st.size - tailLen);
    for (let i = tailLen - 22; i >= 0; i--) if (tail.readUInt32LE(i) === 0x06054b50) return '';
    return 'truncated (zip end record missing)';
  } finally {
    closeSync(fd);
  }
}

/** Checks every weight file without reading tensor data; '' when all are complete. */
export function checkWeightFiles(dir: string, weights: WeightSet): string {
  for (const rel of weights.files) {
    if (rel.endsWith('.index.json')) continue;
    const file = join(dir, rel);
    try {
      const problem = rel.endsWith('.safetensors') ? readSafetensorsHeader(file).problem : checkTorchBin(file);
      if (problem) return `${rel}: ${problem}`;
    } catch (err) {
      const code = errCode(err);
      return code === 'ENOENT' ? `${rel} is missing${weights.files.length > 1 ? ` (named in ${weights.files[0]})` : ''}` : `cannot read ${rel} (${code})`;
    }
  }
  return '';
}
