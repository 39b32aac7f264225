import { Stats, lstatSync, statSync } from 'node:fs';
import { FsError } from './fs-error';

function kindOf(st: Stats): string {
  if (st.isFile()) return 'regular file';
  if (st.isDirectory()) return 'folder';
  if (st.isFIFO()) return 'FIFO (named pipe)';
  if (st.isSocket()) return 'socket';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'device';
  return 'special file';
}

/**
 * Refuses `path` unless it is absent or of the wanted kind (symlinks followed):
 * a folder where a file belongs (or a FIFO, which blocks every reader) gets a
 * message naming it, instead of an EISDIR stack or a hang.
 */
export function expectKind(path: string, want: 'file' | 'dir', what: string): void {
  let st: Stats;
  try {
    st = statSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && !isDanglingLink(path)) return;
    if (code === 'ENOTDIR') throw new FsError(`${path} (${what}) cannot exist: a part of its path is a file, not a folder. Move that file aside and run again.`);
    if (code === 'ENOENT') throw new FsError(`${path} (${what}) is a symbolic link to nothing. Remove it or point it at a ${want === 'file' ? 'file' : 'folder'}.`);
    throw err;
  }
  const ok = want === 'file' ? st.isFile() : st.isDirectory();
  if (!ok) throw new FsError(`${path} (${what}) is a ${kindOf(st)}, not a ${want === 'file' ? 'regular file' : 'folder'}. Move it aside and run again.`);
}

function isDanglingLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}
