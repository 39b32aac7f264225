import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

/**
 * Reads only the header of a .safetensors file: 8-byte little-endian length N,
 * then N bytes of JSON. The data section must reach the largest data_offsets
 * end, so a file truncated mid-save is caught without reading the weights.
 */
export interface SafetensorsHeader {
  ok: boolean;
  /** Why the file is not usable (empty when ok). */
  problem: string;
  size: number;
  mtimeMs: number;
  /** The raw 8 + N header bytes (for fingerprints); null when unreadable. */
  headerBytes: Buffer | null;
}

// Real headers are kilobytes; anything near this is a corrupt length field.
const MAX_HEADER_BYTES = 100 * 1024 * 1024;
const FIRST_READ = 64 * 1024;

function readExactly(fd: number, length: number, position: number): Buffer {
  const buf = Buffer.alloc(length);
  let done = 0;
  while (done < length) {
    const n = readSync(fd, buf, done, length - done, position + done);
    if (n === 0) break;
    done += n;
  }
  return done === length ? buf : buf.subarray(0, done);
}

export function readSafetensorsHeader(file: string): SafetensorsHeader {
  const fd = openSync(file, 'r');
  try {
    const st = fstatSync(fd);
    const base = { size: st.size, mtimeMs: st.mtimeMs };
    if (!st.isFile()) return { ok: false, problem: 'not a regular file', headerBytes: null, ...base };
    if (st.size < 8) return { ok: false, problem: `only ${st.size} bytes, shorter than the 8-byte header length (truncated)`, headerBytes: null, ...base };
    // One read usually covers length + header (headers of small models are a few KiB).
    const first = readExactly(fd, Math.min(st.size, FIRST_READ), 0);
    const n = Number(first.readBigUInt64LE(0));
    if (n > MAX_HEADER_BYTES || 8 + n > st.size) {
      return { ok: false, problem: `header length ${n} does not fit in a ${st.size}-byte file (truncated or not safetensors)`, headerBytes: null, ...base };
    }
    const headerBytes = 8 + n <= first.length ? first.subarray(0, 8 + n) : readExactly(fd, 8 + n, 0);
    let header: unknown;
    try {
      header = JSON.parse(headerBytes.subarray(8).toString('utf8'));
    } catch {
      return { ok: false, problem: 'header is not valid JSON (corrupt file)', headerBytes, ...base };
    }
    if (header === null || typeof header !== 'object' || Array.isArray(header)) {
      return { ok: false, problem: 'header is not a JSON object (corrupt file)', headerBytes, ...base };
    }
    let end = 0;
    for (const [name, t] of Object.entries(header as Record<string, unknown>)) {
      if (name === '__metadata__') continue;
      const offs = (t as { data_offsets?: unknown })?.data_offsets;
      if (!Array.isArray(offs) || offs.length !== 2 || !offs.every((x) => Number.isInteger(x) && x >= 0) || offs[1] < offs[0]) {
        return { ok: false, problem: `tensor '${name}' has no valid data_offsets (corrupt header)`, headerBytes, ...base };
      }
      end = Math.max(end, offs[1] as number);
    }
    const expected = 8 + n + end;
    if (st.size < expected) {
      return { ok: false, problem: `truncated: ${st.size} bytes, header says ${expected}`, headerBytes, ...base };
    }
    return { ok: true, problem: '', headerBytes, ...base };
  } finally {
    closeSync(fd);
  }
}
