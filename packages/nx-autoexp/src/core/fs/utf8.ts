/**
 * Finds where strict UTF-8 decoding fails, by feeding the library decoder in
 * streaming mode: first in large chunks, then byte by byte inside the failing
 * chunk. Only runs after a failure, so its cost does not matter.
 */
function firstInvalidUtf8Offset(buf: Uint8Array): number {
  const CHUNK = 1 << 16;
  let good = 0;
  let dec = new TextDecoder('utf-8', { fatal: true });
  for (; good < buf.length; good += CHUNK) {
    try {
      dec.decode(buf.subarray(good, good + CHUNK), { stream: true });
    } catch {
      break;
    }
  }
  // Restart from a prefix that decoded cleanly up to the failing chunk.
  dec = new TextDecoder('utf-8', { fatal: true });
  if (good > 0) dec.decode(buf.subarray(0, good), { stream: true });
  // Report where the bad sequence starts (its lead byte), not the byte that exposed it.
  let seqStart: number | null = null;
  for (let i = good; i < buf.length; i++) {
    try {
      const out = dec.decode(buf.subarray(i, i + 1), { stream: true });
      seqStart = out.length > 0 ? null : (seqStart ?? i);
    } catch {
      return seqStart ?? i;
    }
  }
  return seqStart ?? buf.length; // truncated multi-byte sequence at the end
}

/** Strict UTF-8: the text, or where the first invalid byte is (offset and 1-based line). */
export function decodeUtf8Strict(buf: Uint8Array): { text: string } | { offset: number; line: number } {
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(buf) };
  } catch {
    const offset = firstInvalidUtf8Offset(buf);
    let line = 1;
    for (let i = 0; i < offset && i < buf.length; i++) if (buf[i] === 0x0a) line++;
    return { offset, line };
  }
}
