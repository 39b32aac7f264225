import { ConfigError, ConfigErrors } from '../config/config-error';
import { ScoreInputError } from '../competition/score-scale';
import { TimeInputError } from '../competition/quota';
import { FsError } from '../fs/fs-error';
import { ManifestError } from '../checkpoints/manifest';
import { InferenceInputError } from '../infer/validate-predictions';
import { StrategyConfigError } from '../infer/strategy-config';
import { JobScriptError } from '../launcher/job-script';
import { PipelineError } from '../pipeline/pipeline-error';
import { describeError } from '../pipeline/run-pipeline-step';
import { SubmissionError } from '../submission/submission-error';
import { UserError } from '../../cli/io';
import { main } from '../../cli/main';
import { AutoexpError, isUserError } from './autoexp-error';

describe('AutoexpError: one base with an exit code and a user-error flag', () => {
  it.each([
    [new ConfigError('bad', 'f.yaml'), 1],
    [new ConfigErrors([new ConfigError('bad', 'f.yaml')]), 1],
    [new PipelineError('p'), 1],
    [new SubmissionError('s'), 1],
    [new FsError('f'), 1],
    [new ManifestError('m'), 1],
    [new InferenceInputError('i'), 1],
    [new StrategyConfigError('c'), 1],
    [new JobScriptError('j'), 1],
    [new ScoreInputError('score'), 2],
    [new TimeInputError('time'), 2],
    [new UserError('u', 2), 2],
  ])('%p is a user error with exit code %i and its class name', (err, code) => {
    expect(err).toBeInstanceOf(AutoexpError);
    expect(isUserError(err)).toBe(true);
    expect(err.exitCode).toBe(code);
    expect(err.name).toBe(err.constructor.name);
  });

  it('the flag decides, not the name: a bug keeps its stack, a foreign *Error too', () => {
    const bug = new AutoexpError('internal invariant broken', { userError: false });
    expect(isUserError(bug)).toBe(false);
    expect(describeError(bug)).toContain('at '); // the stack
    class CsvError extends Error {
      name = 'CsvError';
    }
    expect(describeError(new CsvError('raw library error'))).toMatch(/^CsvError: raw library error\n\s+at /);
    expect(describeError(new SubmissionError('fix the CSV'))).toBe('fix the CSV');
  });

  it('config errors are framed as invalid config, one indented line group per error', () => {
    const one = new ConfigError('wrong type', 'experiments/a/experiment.yaml', 3, 'train.lr', 'use a number');
    expect(describeError(one)).toBe('invalid config:\n  experiments/a/experiment.yaml:3 (key: train.lr): wrong type\n    fix: use a number');
    const two = new ConfigErrors([new ConfigError('x', 'a.yaml'), new ConfigError('y', 'b.yaml')]);
    expect(describeError(two)).toBe('invalid config:\n  a.yaml: x\n  b.yaml: y');
  });
});

describe('cli main: the one place a user error becomes a message and an exit code', () => {
  const run = async (argv: string[]) => {
    const err: string[] = [];
    const code = await main(argv, { cwd: '/nonexistent-autoexp-ws', stdout: () => undefined, stderr: (t) => err.push(t) });
    return { code, err: err.join('\n') };
  };

  it('a bad leaderboard score exits 2 (its class says so), plainly', async () => {
    const r = await run(['lb', 'record', 'exp-a', 'abc']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^autoexp lb: public score 'abc' is not a number/);
    expect(r.err).not.toMatch(/unexpected error|\n\s+at /);
  });

  it('a SubmissionError (no index yet) exits 1 plainly, without a per-command conversion', async () => {
    const r = await run(['lb', 'record', 'exp-a', '40']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^autoexp lb: no submissions yet: .*experiment_index\.csv does not exist/);
    expect(r.err).not.toMatch(/unexpected error|\n\s+at /);
  });
});
