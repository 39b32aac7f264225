import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readCsv } from '../submission/csv-io';

/** Share of test items two submissions summarise identically: 1 for the same file, near 1 for near-duplicates. */
export type OverlapResult = { overlap: number; items: number } | { overlap: null; reason: string };

type Summaries = { map: Map<string, string> } | { error: string };

/**
 * Compares submission files (output.csv under prediction/) by their
 * `fname` and `summary` columns; each file is read once.
 */
export class PredictionOverlap {
  private readonly files = new Map<string, Summaries>();

  constructor(private readonly workspaceRoot: string) {}

  private summaries(relPath: string): Summaries {
    let s = this.files.get(relPath);
    if (!s) {
      const abs = join(this.workspaceRoot, relPath);
      try {
        if (!existsSync(abs)) throw Object.assign(new Error('gone'), { code: 'ENOENT' });
        const table = readCsv(abs);
        s = table.header.includes('fname') && table.header.includes('summary')
          ? { map: new Map(table.rows.map((r) => [r.fname, (r.summary ?? '').trim()])) }
          : { error: `${relPath} has no fname and summary columns` };
      } catch (err) {
        s = { error: (err as NodeJS.ErrnoException).code === 'ENOENT' ? `${relPath} is gone` : (err as Error).message };
      }
      this.files.set(relPath, s);
    }
    return s;
  }

  /** Identical summaries over the fnames of either file (a fname missing from one counts as different). */
  between(a: string, b: string): OverlapResult {
    const sa = this.summaries(a);
    const sb = this.summaries(b);
    if ('error' in sa) return { overlap: null, reason: sa.error };
    if ('error' in sb) return { overlap: null, reason: sb.error };
    const fnames = new Set([...sa.map.keys(), ...sb.map.keys()]);
    if (fnames.size === 0) return { overlap: null, reason: `${a} and ${b} have no rows` };
    let same = 0;
    for (const f of fnames) if (sa.map.has(f) && sa.map.get(f) === sb.map.get(f)) same++;
    return { overlap: same / fnames.size, items: fnames.size };
  }
}
