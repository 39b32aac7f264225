/**
 * Follows a file another machine appends to (a slurm job's output on a shared
 * filesystem) by polling its size and reading from the last offset. fs.watch
 * is not used: it does not see writes made by other hosts over NFS.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';

export class FileTail {
  private offset = 0;
  private partial = '';
  // A UTF-8 character may be split between two reads: the decoder holds the bytes.
  private readonly decoder = new StringDecoder('utf8');

  constructor(
    readonly path: string,
    private readonly onLine: (line: string) => void,
  ) {}

  /** Reads what was appended since the last call and emits complete lines. A missing file is not an error (the job has not started). */
  poll(): void {
    let fd: number;
    try {
      fd = openSync(this.path, 'r');
    } catch {
      return;
    }
    try {
      const size = fstatSync(fd).size;
      if (size < this.offset) {
        // Truncated or replaced (a requeued job starts its file again): read from the start.
        this.offset = 0;
        this.partial = '';
      }
      const buf = Buffer.alloc(64 * 1024);
      while (this.offset < size) {
        const n = readSync(fd, buf, 0, Math.min(buf.length, size - this.offset), this.offset);
        if (n <= 0) break;
        this.offset += n;
        this.emit(this.decoder.write(buf.subarray(0, n)));
      }
    } finally {
      closeSync(fd);
    }
  }

  /** Final read, then the last line even without a trailing newline. */
  finish(): void {
    this.poll();
    const rest = this.partial + this.decoder.end();
    this.partial = '';
    if (rest.length > 0) this.onLine(rest.replace(/\r$/, ''));
  }

  private emit(text: string): void {
    const lines = (this.partial + text).split('\n');
    this.partial = lines.pop() ?? '';
    for (const l of lines) this.onLine(l.replace(/\r$/, ''));
  }
}
