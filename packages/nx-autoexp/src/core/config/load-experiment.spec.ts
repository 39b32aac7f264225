import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempWorkspace } from '../../../tests/support/temp-workspace';
import { ConfigError, ConfigErrors } from './config-error';
import { loadExperiment } from './load-experiment';

const workspace = (files: Record<string, string>) => tempWorkspace('autoexp-config', files);

const BASE = 'train:\n  learning_rate: 0.0001\n  seed: 7\ninfer:\n  num_beams: 4\n';
const MODEL = 'model:\n  type: seq2seq\n  init: random\n  architecture: bart\n';

function errorOf(fn: () => unknown): Error {
  try {
    fn();
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected an error');
}

describe('loadExperiment', () => {
  it('deep-merges base and experiment, fills schema defaults', () => {
    const root = workspace({ 'config/base.yaml': BASE, 'experiments/a/experiment.yaml': MODEL + 'train:\n  seed: 1\n' });
    const exp = loadExperiment(root, 'a');
    expect(exp.project).toBe('exp-a');
    expect(exp.config.train.learning_rate).toBe(0.0001); // from base
    expect(exp.config.train.seed).toBe(1); // experiment wins
    expect(exp.config.infer.num_beams).toBe(4);
    expect(exp.config.infer.batch_size).toBe(16); // schema default
    expect(exp.config.checkpoint.policy).toBe('best');
    expect(exp.outputDir).toBe('outputs/a');
    expect(exp.sources).toEqual(['experiments/a/experiment.yaml', 'config/base.yaml']);
  });

  it('refuses an alias bomb with the file and the line of its aliases, not a ReferenceError', () => {
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]', ...Array.from({ length: 8 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10).fill(`*${String.fromCharCode(97 + i)}`).join(',')}]`)].join('\n');
    const root = workspace({ 'experiments/a/experiment.yaml': MODEL + bomb + '\n' });
    const err = errorOf(() => loadExperiment(root, 'a'));
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.message).toMatch(/^experiments\/a\/experiment\.yaml:6: too many YAML aliases/);
    expect(err.message).toMatch(/aliases on lines 6, 6, 6/);
  });

  it('refuses non-UTF-8 bytes with the line instead of decoding them to U+FFFD', () => {
    const root = workspace({});
    mkdirSync(join(root, 'experiments/a'), { recursive: true });
    writeFileSync(join(root, 'experiments/a/experiment.yaml'), Buffer.concat([Buffer.from(MODEL + 'preprocess:\n  prefix: "'), Buffer.from([0xbf, 0xe4]), Buffer.from('"\n')]));
    const err = errorOf(() => loadExperiment(root, 'a'));
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.message).toMatch(/^experiments\/a\/experiment\.yaml:6: not valid UTF-8 at byte offset \d+[\s\S]*save the file as UTF-8/);
  });

  it('refuses a FIFO in the extends chain at once (reading it would block)', () => {
    const root = workspace({ 'experiments/a/experiment.yaml': MODEL + 'extends: ../parent.yaml\n' });
    require('node:child_process').execFileSync('mkfifo', [join(root, 'experiments/parent.yaml')]);
    const err = errorOf(() => loadExperiment(root, 'a'));
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.message).toMatch(/^experiments\/parent\.yaml: .*is a FIFO \(named pipe\), not a regular file/);
  });

  it('names file and line of a YAML syntax error', () => {
    const root = workspace({ 'experiments/a/experiment.yaml': MODEL + 'train:\n  seed: [1, 2\n' });
    const err = errorOf(() => loadExperiment(root, 'a'));
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.message).toMatch(/^experiments\/a\/experiment\.yaml:\d+.*YAML syntax error/);
  });

  it('names file, line and key of an unknown key, and lists allowed keys', () => {
    const root = workspace({ 'config/base.yaml': BASE, 'experiments/a/experiment.yaml': MODEL + 'train:\n  seed: 1\n  learning_rat: 0.1\n' });
    const err = errorOf(() => loadExperiment(root, 'a')) as ConfigErrors;
    expect(err).toBeInstanceOf(ConfigErrors);
    expect(err.message).toContain('experiments/a/experiment.yaml:7 (key: train.learning_rat)');
    expect(err.message).toMatch(/unknown key 'learning_rat'.*learning_rate/);
  });

  it('competition settings come from config/base.yaml only: an experiment setting them is an error at its line', () => {
    const root = workspace({ 'config/base.yaml': BASE + 'competition:\n  daily_limit: 5\n', 'experiments/a/experiment.yaml': MODEL + 'competition:\n  daily_limit: 50\n' });
    expect(errorOf(() => loadExperiment(root, 'a')).message).toBe(
      'experiments/a/experiment.yaml:5 (key: competition): competition settings are workspace-wide (one leaderboard quota per team)\n  fix: move them to config/base.yaml',
    );
    const fine = workspace({ 'config/base.yaml': BASE + 'competition:\n  daily_limit: 5\n', 'experiments/a/experiment.yaml': MODEL });
    expect(loadExperiment(fine, 'a').config.competition).toEqual({ daily_limit: 5, reset: { time: '00:00', timezone: 'UTC' } });
  });

  it('blames the base file when the bad value lives there', () => {
    const root = workspace({ 'config/base.yaml': 'infer:\n  num_beams: many\n', 'experiments/a/experiment.yaml': MODEL });
    const err = errorOf(() => loadExperiment(root, 'a'));
    expect(err.message).toContain('config/base.yaml:2 (key: infer.num_beams)');
    expect(err.message).toContain('wrong type: expected integer');
  });

  it('reports a missing required key and a bad enum', () => {
    const root = workspace({ 'experiments/a/experiment.yaml': 'model:\n  init: random\ninfer:\n  device: tpu\n' });
    const err = errorOf(() => loadExperiment(root, 'a'));
    expect(err.message).toContain("missing required key 'type'");
    expect(err.message).toMatch(/infer\.device\).*must be one of: "auto", "cpu", "cuda"/);
  });

  it('defaults the metric to the competition\'s and names file, line and key of a bad one', () => {
    const ok = loadExperiment(workspace({ 'experiments/a/experiment.yaml': MODEL }), 'a');
    expect(ok.config.metric).toEqual({ aggregate: 'mean', references: 'mean', tokenizer: 'auto' });
    const sum = loadExperiment(workspace({ 'experiments/a/experiment.yaml': MODEL + 'metric:\n  aggregate: sum\n' }), 'a');
    expect(sum.hashes.infer).not.toBe(ok.hashes.infer); // the dev score changes
    expect(sum.hashes.train).not.toBe(ok.hashes.train); // and so does the best checkpoint (eval_score)
    const bad = workspace({ 'experiments/a/experiment.yaml': MODEL + 'metric:\n  aggregate: median\n  tokenizer: porter\n' });
    const err = errorOf(() => loadExperiment(bad, 'a'));
    expect(err.message).toMatch(/experiments\/a\/experiment\.yaml:6 \(key: metric\.aggregate\).*must be one of: "mean", "sum"/);
    expect(err.message).toMatch(/experiments\/a\/experiment\.yaml:7 \(key: metric\.tokenizer\).*must be one of: "auto", "mecab", "whitespace"/);
  });

  it('follows extends chains and rejects cycles', () => {
    const ok = workspace({
      'experiments/p/experiment.yaml': MODEL + 'train:\n  seed: 3\n  max_steps: 9\n',
      'experiments/c/experiment.yaml': 'extends: ../p/experiment.yaml\ntrain:\n  seed: 4\n',
    });
    const exp = loadExperiment(ok, 'c');
    expect(exp.config.train.seed).toBe(4);
    expect(exp.config.train.max_steps).toBe(9);
    expect(exp.sources).toEqual(['experiments/c/experiment.yaml', 'experiments/p/experiment.yaml']);

    const cyc = workspace({
      'experiments/x/experiment.yaml': MODEL + 'extends: ../y/experiment.yaml\n',
      'experiments/y/experiment.yaml': 'extends: ../x/experiment.yaml\n',
    });
    expect(errorOf(() => loadExperiment(cyc, 'x')).message).toMatch(/'extends' cycle: experiments\/x\/experiment.yaml -> experiments\/y\/experiment.yaml -> experiments\/x\/experiment.yaml/);
  });

  it('rejects folder names with spaces or ..', () => {
    const root = workspace({ 'experiments/my exp/experiment.yaml': MODEL });
    expect(errorOf(() => loadExperiment(root, 'my exp')).message).toMatch(/invalid experiment folder name 'my exp'/);
    expect(errorOf(() => loadExperiment(root, 'a..b')).message).toMatch(/invalid experiment folder name/);
  });

  it('checks cross-field rules (random init needs an architecture)', () => {
    const root = workspace({ 'experiments/a/experiment.yaml': 'model:\n  type: seq2seq\n  init: random\n' });
    expect(errorOf(() => loadExperiment(root, 'a')).message).toMatch(/model\.architecture is not set/);
  });

  it('changes only the infer hash when only an inference option changes', () => {
    const a = loadExperiment(workspace({ 'experiments/a/experiment.yaml': MODEL + 'infer:\n  num_beams: 2\n' }), 'a');
    const b = loadExperiment(workspace({ 'experiments/a/experiment.yaml': MODEL + 'infer:\n  num_beams: 3\n' }), 'a');
    const c = loadExperiment(workspace({ 'experiments/a/experiment.yaml': MODEL + 'train:\n  seed: 5\n' }), 'a');
    expect(b.hashes.train).toBe(a.hashes.train);
    expect(b.hashes.infer).not.toBe(a.hashes.infer);
    expect(b.hashes.submit).toBe(a.hashes.submit);
    expect(c.hashes.train).not.toBe(a.hashes.train);
  });

  it('ignores key order when hashing', () => {
    const a = loadExperiment(workspace({ 'experiments/a/experiment.yaml': MODEL + 'train:\n  seed: 5\n  max_steps: 3\n' }), 'a');
    const b = loadExperiment(workspace({ 'experiments/a/experiment.yaml': 'train:\n  max_steps: 3\n  seed: 5\n' + MODEL }), 'a');
    expect(b.hashes.train).toBe(a.hashes.train);
  });
});
