import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PipelineError } from '../pipeline/pipeline-error';
import { resolvePython, trainerEnv } from '../pipeline/python';
import { ProcessRunner, runProcess } from '../process/run-process';
import { readCsv } from '../submission/csv-io';
import { parseItemScores } from './dev-items';
import type { ItemScore } from './types';
import type { MetricConfig } from '../config/types';

/** The score command's flags for a config's `metric` section (none: the competition's defaults). */
export const metricArgs = (m?: Partial<MetricConfig>): string[] =>
  [['--aggregate', m?.aggregate], ['--reference-mode', m?.references], ['--tokenizer', m?.tokenizer]].flatMap(([flag, v]) => (typeof v === 'string' ? [flag as string, v] : []));

/** Scores dev predictions item by item (under the experiment's `metric` when given); the collector takes one so tests need no Python. */
export type ItemScorer = (predictionsPath: string, referencesPath: string, metric?: Partial<MetricConfig>) => Promise<ItemScore[]>;

// Scoring ~500 dev items with Mecab takes about a second; this only stops a hung interpreter.
const SCORE_TIMEOUT_MS = 10 * 60 * 1000;

/**
 * The trainer's own scorer (`python -m autoexp_trainer score --per-item`),
 * so per-item numbers use the same morpheme tokenizer as the dev score.
 * The per-item CSV goes to a temporary folder that is removed afterwards.
 */
export function trainerItemScorer(workspaceRoot: string, run: ProcessRunner = runProcess, env: NodeJS.ProcessEnv = process.env): ItemScorer {
  return async (predictionsPath, referencesPath, metric) => {
    const python = resolvePython(workspaceRoot, env);
    const dir = mkdtempSync(join(tmpdir(), 'autoexp-report-'));
    try {
      const out = join(dir, 'items.csv');
      const res = await run(
        python,
        ['-m', 'autoexp_trainer', 'score', '--predictions', predictionsPath, '--references', referencesPath, ...metricArgs(metric), '--per-item', out, '--json'],
        { cwd: workspaceRoot, env: trainerEnv(env), timeoutMs: SCORE_TIMEOUT_MS, tailLines: 8 },
      );
      if (res.exitCode === 127 && !res.timedOut) {
        // Not the scorer failing: the interpreter could not be started at all.
        throw new PipelineError(
          `cannot run ${python}: ${res.stderrTail.join(' ').trim() || 'not found'}`,
          'run `npm run setup` in the workspace root, or set AUTOEXP_PYTHON to a python that has autoexp_trainer installed',
        );
      }
      if (res.exitCode !== 0) {
        const why = res.timedOut ? 'timed out' : res.exitCode === null ? `killed by ${res.signal}` : `exit ${res.exitCode}`;
        throw new Error(`per-item scoring failed (${why}): ${res.stderrTail.join(' ').trim() || res.tail.join(' ').trim() || 'no output'}`);
      }
      return parseItemScores(readCsv(out).rows, out);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}
