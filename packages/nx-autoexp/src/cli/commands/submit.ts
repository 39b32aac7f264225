import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { CliIO, UserError } from '../io';
import { DevScores, recordSubmission } from '../../core/submission';
import { readDialogues, readSummaryLengths } from '../../core/submission/degenerate-check';
import { inputFile } from '../input-file';
import { readJsonFile } from '../../core/fs/read-json';
import { experimentOfTypedIn } from '../../core/config/experiment-files';

const USAGE = `usage: autoexp submit --experiment <name> --predictions <csv> --sample <csv>
       [--metrics <dev-score.json>] [--config <resolved-config.json>] [--checkpoint <checkpoint.json>]
       [--infer-record <infer-record.json>] [--note <text>] [--smoke] [--allow-empty] [--allow-degenerate]
       [--test <test.csv>] [--train <train.csv>] [--no-latest] [--workspace <dir>]

Validates the predictions against the sample and records them under <workspace>/prediction/
(<name>_<ts>/output.csv + experiment_metadata.json, latest_output.csv, history copy,
experiment_index.csv row). <name> is the experiment name (demo, as under experiments/;
exp-demo, its project, means demo too); the row's project column is exp-<name>.
--metrics holds {"rouge1","rouge2","rougeL","score"} (fractions; score = their mean, the competition's)
and optionally "metric" ({aggregate, references, tokenizer}, as \`score --json\` prints it),
e.g. runs/<exp>/infer/dev-score.json.
Degenerate predictions (90% or more one summary or empty) are refused unless --allow-degenerate;
--test and --train add the copy and length checks (see validate-submission). The index
'warnings' column names what the checks found.
Exit: 0 recorded, 1 invalid input (nothing written), 2 usage.`;

function readJson(path: string, what: string): unknown {
  const r = readJsonFile(path);
  if (!r.ok) throw new UserError(`${what} ${path} ${r.problem}${r.cause instanceof SyntaxError ? ` (${r.cause.message})` : ''}.`, 1);
  return r.value;
}

function readMetrics(path: string): DevScores {
  const m = readJson(path, '--metrics') as Record<string, unknown>;
  const out: Partial<DevScores> = {};
  for (const k of ['score', 'rouge1', 'rouge2', 'rougeL'] as const) {
    const v = m?.[k];
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new UserError(`--metrics ${path}: '${k}' must be a number (got ${JSON.stringify(v)}). Expected {"rouge1":..,"rouge2":..,"rougeL":..,"score":..} as fractions.`, 1);
    }
    out[k] = v;
  }
  // Recorded in the index `metric` column when present (score --json prints it).
  if (m.metric && typeof m.metric === 'object') out.metric = m.metric as DevScores['metric'];
  if (m.baselines && typeof m.baselines === 'object') (out as Record<string, unknown>).baselines = m.baselines;
  return out as DevScores;
}

export default async function submitCommand(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      experiment: { type: 'string' },
      predictions: { type: 'string' },
      sample: { type: 'string' },
      metrics: { type: 'string' },
      config: { type: 'string' },
      checkpoint: { type: 'string' },
      'infer-record': { type: 'string' },
      note: { type: 'string' },
      smoke: { type: 'boolean', default: false },
      'allow-empty': { type: 'boolean', default: false },
      'allow-degenerate': { type: 'boolean', default: false },
      test: { type: 'string' },
      train: { type: 'string' },
      'no-latest': { type: 'boolean', default: false },
      workspace: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    io.stdout(USAGE);
    return 0;
  }
  if (positionals.length > 0) throw new UserError(`unexpected argument '${positionals[0]}'.\n${USAGE}`, 2);
  for (const k of ['experiment', 'predictions', 'sample'] as const) {
    if (!values[k]) throw new UserError(`--${k} is required.\n${USAGE}`, 2);
  }
  const at = (p: string) => resolve(io.cwd, p);
  const workspaceRoot = at(values.workspace ?? '.');
  const receipt = await recordSubmission({
    workspaceRoot,
    experiment: experimentOfTypedIn(workspaceRoot, values.experiment!),
    predictionsPath: at(values.predictions!),
    samplePath: at(values.sample!),
    allowEmpty: values['allow-empty'],
    allowDegenerate: values['allow-degenerate'],
    dialogues: inputFile(values.test, '--test', io, readDialogues),
    trainSummaryLengths: inputFile(values.train, '--train', io, readSummaryLengths),
    updateLatest: !values['no-latest'],
    metadata: {
      devScores: values.metrics ? readMetrics(at(values.metrics)) : undefined,
      config: values.config ? readJson(at(values.config), '--config') : undefined,
      checkpoint: values.checkpoint ? readJson(at(values.checkpoint), '--checkpoint') : undefined,
      inference: values['infer-record'] ? readJson(at(values['infer-record']), '--infer-record') : undefined,
      smoke: values.smoke,
      note: values.note,
    },
  });
  for (const w of receipt.warnings) io.stderr(`warning: ${w}`);
  const lines = [
    `submitted ${receipt.experiment} at ${receipt.timestamp} (sha256 ${receipt.predictionsSha256.slice(0, 12)})`,
    `  upload:   ${receipt.outputPath}`,
    `  metadata: ${receipt.metadataPath}`,
    `  history:  ${receipt.historyPath ?? `(none: same predictions as ${receipt.duplicateOf})`}`,
    `  latest:   ${receipt.latestPath ?? '(not updated: --no-latest)'}`,
    `  index:    ${receipt.indexPath}`,
  ];
  io.stdout(lines.join('\n'));
  return 0;
}
