import { DEFAULT_TARGET_NAMES, TargetNames, namesExperiment, nxRunCommand } from '../naming/experiment-names';
import { type IndexRow, submissionIdOf } from '../submission/experiment-index';
import { SubmissionError } from '../submission/submission-error';

export { submissionIdOf } from '../submission/experiment-index';

/**
 * The index row a user means by `ref`: a submission id (`demo_<ts>`, the
 * folder name under prediction/), its `<ts>` alone, or an experiment (`demo`,
 * or its project `exp-demo`) for its latest ok, non-smoke submission, the one
 * latest_output.csv holds. Returns the row's position in `rows`.
 */
export function findSubmission(rows: IndexRow[], ref: string, targets: TargetNames = DEFAULT_TARGET_NAMES): number {
  const byId = rows.map((r, i) => [r, i] as const).filter(([r]) => submissionIdOf(r) === ref || r.timestamp === ref);
  if (byId.length > 1) {
    throw new SubmissionError(`'${ref}' names ${byId.length} submissions (${byId.map(([r]) => submissionIdOf(r)).join(', ')}): give the full submission id.`);
  }
  if (byId.length === 1) {
    const [row, i] = byId[0];
    if (row.status !== 'ok') {
      throw new SubmissionError(`submission ${submissionIdOf(row)} is a ${row.status} run (${row.note || 'no file'}): it has no file to upload. Give an ok submission.`);
    }
    return i;
  }
  const mine = rows.map((r, i) => [r, i] as const).filter(([r]) => namesExperiment(ref, r.experiment));
  const ok = mine.filter(([r]) => r.status === 'ok');
  const full = ok.filter(([r]) => r.smoke !== 'true');
  const latest = (list: (readonly [IndexRow, number])[]) => list.reduce((a, b) => (b[0].timestamp > a[0].timestamp ? b : a))[1];
  if (full.length) return latest(full);
  if (ok.length) {
    throw new SubmissionError(`experiment '${ref}' has only smoke submissions (${ok.map(([r]) => submissionIdOf(r)).join(', ')}): give the submission id if you uploaded one.`);
  }
  const recent = rows.filter((r) => r.status === 'ok').slice(-5).map(submissionIdOf).reverse();
  throw new SubmissionError(
    `no submission '${ref}' in prediction/experiment_index.csv${mine.length ? ` (experiment '${ref}' has only failed runs)` : ''}: give an experiment (demo or exp-demo) or a submission id (demo_<timestamp>, the folder under prediction/, or the timestamp alone).` +
      (recent.length ? ` Latest: ${recent.join(', ')}.` : ` The index has no ok submission yet: run \`${nxRunCommand('<name>', 'submit', { targets })}\` first.`),
  );
}
