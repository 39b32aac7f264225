import { isUserError } from '../core/errors/autoexp-error';
import { describeFsError } from '../core/fs/fs-error';
import { CliCommand, CliIO, processIO } from './io';

// Commands load lazily so `autoexp leaderboard` does not pay for the others.
const COMMANDS: Record<string, { summary: string; load: () => Promise<CliCommand> }> = {
  step: { summary: 'run one pipeline step (train, infer or submit) of an experiment: what the nx targets run', load: async () => (await import('./commands/step')).default },
  checkpoints: { summary: 'list checkpoints under a folder and the one a policy picks', load: async () => (await import('./commands/checkpoints')).default },
  gc: { summary: 'remove checkpoint folders no manifest, submission or resume needs (dry run unless --yes)', load: async () => (await import('./commands/gc')).default },
  'validate-submission': { summary: 'check a predictions CSV against sample_submission.csv', load: async () => (await import('./commands/validate-submission')).default },
  submit: { summary: 'validate and record a submission under prediction/', load: async () => (await import('./commands/submit')).default },
  plan: { summary: 'what `nx run exp-<name>:submit` would run and which targets are cache hits, without running', load: async () => (await import('./commands/plan')).default },
  preview: { summary: 'N train rows exactly as the model gets them (special tokens visible) and how many are truncated', load: async () => (await import('./commands/preview')).default },
  report: { summary: 'write prediction/report.html: leaderboard, learning curves, per-topic scores, worst dev items, config diff', load: async () => (await import('./commands/report')).default },
  stamp: { summary: 'print a stamp (size, mtime) of files outside the workspace (used in Nx cache keys)', load: async () => (await import('./commands/stamp')).default },
  leaderboard: { summary: 'experiments ranked by dev score, with their public/private leaderboard scores', load: async () => (await import('./commands/leaderboard')).default },
  lb: { summary: 'the competition leaderboard: record public/private scores, daily quota status, suggest final picks', load: async () => (await import('./commands/lb')).default },
};

function usage(): string {
  const lines = ['usage: autoexp <command> [options]', '', 'commands:'];
  for (const [name, c] of Object.entries(COMMANDS)) lines.push(`  ${name.padEnd(22)}${c.summary}`);
  lines.push('', 'Run `autoexp <command> --help` for its options.');
  return lines.join('\n');
}

export async function main(argv: string[], io: CliIO = processIO()): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h') {
    io.stdout(usage());
    return name ? 0 : 2;
  }
  const cmd = COMMANDS[name];
  if (!cmd) {
    io.stderr(`autoexp: unknown command '${name}'.\n\n${usage()}`);
    return 2;
  }
  try {
    return await (await cmd.load())(rest, io);
  } catch (err) {
    // The one place a user's error becomes a message and an exit code (UserError, SubmissionError, ConfigError ...).
    if (isUserError(err)) {
      io.stderr(`autoexp ${name}: ${err.userMessage()}`);
      return err.exitCode;
    }
    // Node's parseArgs errors are user mistakes too.
    const code = (err as { code?: string }).code;
    if (code && code.startsWith('ERR_PARSE_ARGS')) {
      io.stderr(`autoexp ${name}: ${(err as Error).message}\nRun \`autoexp ${name} --help\`.`);
      return 2;
    }
    const fsText = describeFsError(err);
    if (fsText) {
      io.stderr(`autoexp ${name}: ${fsText}`);
      return 1;
    }
    io.stderr(`autoexp ${name}: unexpected error: ${(err as Error).stack ?? err}`);
    return 1;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
