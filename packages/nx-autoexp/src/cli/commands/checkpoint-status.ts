import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fingerprintCheckpoint, readManifest } from '../../core/checkpoints';
import type { CliCommand } from '../io';

/**
 * `autoexp checkpoint-status <manifest>`: one line that changes when the
 * checkpoint behind a manifest is deleted or its weights change. The infer
 * target hashes it, so a cache hit can never hide a vanished checkpoint.
 * Always exits 0: hashing must not fail; the infer step reports the problem.
 */
const checkpointStatus: CliCommand = async (argv, io) => {
  const manifestPath = argv[0];
  if (!manifestPath) {
    io.stderr('usage: autoexp checkpoint-status <checkpoint.json>');
    return 2;
  }
  const abs = resolve(io.cwd, manifestPath);
  if (!existsSync(abs)) {
    io.stdout('no-manifest');
    return 0;
  }
  try {
    const m = readManifest(abs);
    const dir = resolve(io.cwd, m.path);
    io.stdout(existsSync(dir) ? `${m.path} ${fingerprintCheckpoint(dir)}` : `missing ${m.path}`);
  } catch (err) {
    io.stdout(`unreadable ${(err as Error).message.split('\n')[0]}`);
  }
  return 0;
};

export default checkpointStatus;
