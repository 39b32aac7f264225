import { relative } from 'node:path';
import { Candidate, FinderResult } from './types';

/** Text renderings of a FinderResult for errors and the CLI. */

function rel(root: string, p: string): string {
  const r = relative(root, p);
  return r === '' ? '.' : r.startsWith('..') ? p : r;
}

const metricText = (v: number | null) => (v === null ? '-' : String(Number(v.toPrecision(6))));

/** Aligned table: path, step, metric, and "valid" or the reason. */
export function formatCandidateTable(candidates: Candidate[], root: string, metricName: string): string {
  const rows = [['checkpoint', 'step', metricName, 'status']];
  for (const c of candidates) rows.push([rel(root, c.path), c.step === null ? '-' : String(c.step), metricText(c.metric), c.valid ? `valid (${c.kind})` : c.checked === false ? 'not checked (not needed)' : `INVALID: ${c.reason}`]);
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => (i === 3 ? 0 : r[i].length))));
  return rows.map((r) => r.map((cell, i) => (i === 3 ? cell : cell.padEnd(widths[i]))).join('  ').trimEnd()).join('\n');
}

/** The error when nothing valid was found: what was searched, each candidate and why it was rejected. */
export function formatNoCheckpointError(result: FinderResult, root: string): string {
  const lines: string[] = [];
  const where = result.runDir ? `${root} (run ${result.run?.run_id ?? result.runDir})` : root;
  if (result.note) lines.push(`no usable checkpoint under ${where}: ${result.note}`);
  else if (result.candidates.length === 0) lines.push(`no checkpoint folders under ${where} (looked for checkpoint-<step>/ and folders with model weights, 4 levels deep)`);
  else lines.push(`no valid checkpoint under ${where}; ${result.candidates.length} candidate(s), none usable:`);
  for (const c of result.candidates) lines.push(`  ${rel(root, c.path)}${c.step !== null ? ` (step ${c.step})` : ''}: ${c.valid ? 'valid' : c.reason}`);
  if (result.fallback) lines.push(`  note: ${result.fallback}`);
  return lines.join('\n');
}
