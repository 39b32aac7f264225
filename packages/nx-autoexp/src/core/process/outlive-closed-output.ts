/**
 * A step must outlive the reader of its output. After Ctrl-C nx waits for its
 * tasks, but when nx itself goes away (killed, its terminal closed) the step's
 * stdout and stderr lose their reader while the trainer is still saving its
 * checkpoint. Node's default for a write to such a pipe is an unhandled EPIPE
 * 'error': the step would die, and its exit handler would SIGKILL the trainer
 * mid-save. Here those errors only mean "nobody is listening": the output is
 * dropped and the step goes on waiting for its children.
 */

/** Errors that say the other end of stdout/stderr is gone (a closed pipe, a closed terminal). */
const READER_GONE = new Set(['EPIPE', 'EIO', 'ECONNRESET', 'ERR_STREAM_DESTROYED']);

const guarded = new WeakSet<NodeJS.WritableStream>();

function isReaderGone(err: unknown): boolean {
  return READER_GONE.has((err as NodeJS.ErrnoException | undefined)?.code ?? '');
}

/** Idempotent: installs one listener per stream for the life of the process. */
export function outliveClosedOutput(streams: NodeJS.WritableStream[] = [process.stdout, process.stderr]): void {
  for (const stream of streams) {
    if (guarded.has(stream)) continue;
    guarded.add(stream);
    stream.on('error', (err: unknown) => {
      if (isReaderGone(err)) return;
      // Anything else is a real fault: keep Node's default (crash with the error).
      setImmediate(() => {
        throw err;
      });
    });
  }
}
