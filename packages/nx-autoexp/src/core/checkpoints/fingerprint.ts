import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { readSafetensorsHeader } from './safetensors-header';
import { listFolder } from './validate-checkpoint';
import { adapterWeights, fullModelWeights } from './weight-files';

/**
 * "sha256:<hex>" over each weight file's relative name, size and mtimeMs,
 * plus the header bytes of safetensors files. Cheap (never reads tensor
 * data) and changes whenever a weight file is rewritten, replaced or
 * truncated. Tokenizer, trainer_state and optimizer files are not covered:
 * they do not change what the model computes.
 */
export function fingerprintCheckpoint(dir: string): string {
  const listing = listFolder(dir);
  if (!listing.ok) throw new Error(`cannot fingerprint ${dir}: ${listing.reason}`);
  const lookup = listing.names.has('adapter_config.json') ? adapterWeights(listing.names) : fullModelWeights(dir, listing.names);
  if (!lookup.ok) throw new Error(`cannot fingerprint ${dir}: ${lookup.problem}`);
  const hash = createHash('sha256');
  for (const rel of [...lookup.weights.files].sort()) {
    const file = join(dir, rel);
    let size: number;
    let mtimeMs: number;
    let header: Buffer | null = null;
    try {
      if (rel.endsWith('.safetensors')) {
        const h = readSafetensorsHeader(file);
        ({ size, mtimeMs } = h);
        header = h.headerBytes;
      } else {
        ({ size, mtimeMs } = statSync(file));
      }
    } catch (err) {
      throw new Error(`cannot fingerprint ${dir}: ${rel} (${(err as NodeJS.ErrnoException).code ?? err})`);
    }
    hash.update(`${rel}\0${size}\0${mtimeMs}\0`);
    if (header) hash.update(header);
    hash.update('\0');
  }
  return `sha256:${hash.digest('hex')}`;
}
