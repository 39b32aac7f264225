import { closeSync, constants, fstatSync, openSync, readFileSync } from 'node:fs';
import { FsError } from './fs-error';

/**
 * Reads a file only if it is a regular file. Opened non-blocking and checked
 * with fstat on the open descriptor, so a FIFO (whose read would block every
 * nx command, plugin workers included, until a writer comes) or a device is
 * refused at once, and nothing can be swapped in between the check and the read.
 */
export function readRegularFile(path: string): Buffer {
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) {
      const kind = st.isFIFO() ? 'a FIFO (named pipe)' : st.isDirectory() ? 'a folder' : st.isSocket() ? 'a socket' : 'a device or special file';
      throw new FsError(`${path} is ${kind}, not a regular file: only regular files are read. Replace it with the file it stands for.`);
    }
    return readFileSync(fd);
  } finally {
    closeSync(fd);
  }
}
