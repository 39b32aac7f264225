/**
 * The one error a user sees when no strategy produced predictions: every
 * attempt and why it failed, then how to rerun a single strategy.
 */
import type { ChainResult } from './strategy-chain';

export interface ChainFailureContext {
  experiment: string;
  /** The exact command that reruns one strategy alone, e.g. `npx nx run exp-demo:infer --strategy=conservative`. */
  rerunHint: (strategyName: string) => string;
}

/** stderr lines shown per attempt; the full tail is in infer-record.json. */
const STDERR_LINES = 3;

function lastLines(text: string, n: number): string[] {
  return text
    .split('\n')
    .map((l) => l.trimEnd())
    .filter((l) => l.trim() !== '')
    .slice(-n);
}

export function formatChainFailure(result: ChainResult, ctx: ChainFailureContext): string {
  const strategies = [...new Set(result.attempts.map((a) => a.strategy))];
  const lines: string[] = [];
  if (result.aborted) {
    lines.push(`${ctx.experiment}: inference was interrupted; no predictions were replaced. Attempts:`);
  } else {
    lines.push(
      `${ctx.experiment}: inference failed: none of ${strategies.length} strategies produced complete predictions (${result.attempts.length} attempts):`,
    );
  }
  result.attempts.forEach((a, i) => {
    const secs = (a.duration_ms / 1000).toFixed(1);
    lines.push(`  ${i + 1}. ${a.strategy}/${a.split} (${secs}s): ${a.ok ? 'ok' : (a.error ?? 'failed')}`);
    if (!a.ok) for (const l of lastLines(a.stderr_tail, STDERR_LINES)) lines.push(`       | ${l}`);
  });
  if (result.attempts.length === 0) lines.push('  (no attempt ran)');
  if (strategies.length > 0) {
    lines.push('To rerun one strategy alone:');
    for (const s of strategies) lines.push(`  ${ctx.rerunHint(s)}`);
  }
  return lines.join('\n');
}
