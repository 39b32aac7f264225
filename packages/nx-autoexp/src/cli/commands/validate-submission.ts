import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { CliIO, UserError } from '../io';
import { validateSubmission } from '../../core/submission';
import { readDialogues, readSummaryLengths } from '../../core/submission/degenerate-check';
import { inputFile } from '../input-file';

const USAGE = `usage: autoexp validate-submission <predictions.csv> --sample <sample_submission.csv>
       [--allow-empty] [--allow-degenerate] [--test <test.csv>] [--train <train.csv>] [--json]

Checks predictions against the competition's sample: same columns, every fname
once, no empty or "nan"/"None"/"null" summary, and not degenerate: 90% or more
of the rows one summary (or empty) is refused unless --allow-degenerate; softer
shares, summaries that copy the dialogue (with --test), lengths far outside the
train summaries' (with --train) and runaway repetition are warnings. Writes nothing.
Exit: 0 valid, 1 invalid, 2 usage.`;

export default async function validateSubmissionCommand(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      sample: { type: 'string' },
      'allow-empty': { type: 'boolean', default: false },
      'allow-degenerate': { type: 'boolean', default: false },
      test: { type: 'string' },
      train: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    io.stdout(USAGE);
    return 0;
  }
  if (positionals.length !== 1) throw new UserError(`expected one predictions CSV, got ${positionals.length}.\n${USAGE}`, 2);
  if (!values.sample) throw new UserError(`--sample <sample_submission.csv> is required.\n${USAGE}`, 2);
  const predictionsPath = resolve(io.cwd, positionals[0]);
  const samplePath = resolve(io.cwd, values.sample);
  const res = validateSubmission({
    predictionsPath,
    samplePath,
    allowEmpty: values['allow-empty'],
    allowDegenerate: values['allow-degenerate'],
    dialogues: inputFile(values.test, '--test', io, readDialogues),
    trainSummaryLengths: inputFile(values.train, '--train', io, readSummaryLengths),
  });
  if (values.json) {
    const { rows: _rows, ...summary } = res;
    io.stdout(JSON.stringify(summary, null, 2));
    return res.ok ? 0 : 1;
  }
  for (const w of res.warnings) io.stderr(`warning: ${w}`);
  if (!res.ok) {
    io.stderr(`INVALID: ${positionals[0]} is not a valid submission for ${values.sample}:\n  ${res.errors.join('\n  ')}`);
    return 1;
  }
  io.stdout(`OK: ${positionals[0]} is a valid submission (${res.rows.length} rows${res.reordered ? ', reordered to the sample order' : ''}).`);
  return 0;
}
