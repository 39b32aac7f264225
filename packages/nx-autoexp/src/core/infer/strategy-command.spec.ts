import { buildStrategyCommand, formatCommandLine, substituteCommand } from './strategy-command';
import { StrategyConfigError } from './strategy-config';

const ctx = { python: '/venv/bin/python', checkpoint: '/w/ckpt', input: '/w/data/dev.csv', output: '/w/out/dev.csv.tmp' };

describe('buildStrategyCommand: built-in trainer predict', () => {
  it('passes every setting as a flag, with defaults from the schema', () => {
    expect(buildStrategyCommand({ name: 'fast' }, ctx)).toEqual({
      command: '/venv/bin/python',
      args: [
        '-m', 'autoexp_trainer', 'predict',
        '--checkpoint', '/w/ckpt', '--input', '/w/data/dev.csv', '--output', '/w/out/dev.csv.tmp',
        '--batch-size', '16', '--num-beams', '4', '--max-new-tokens', '100',
        '--device', 'auto', '--dtype', 'auto',
      ],
    });
  });

  it('adds --no-repeat-ngram-size only when > 0 and uses the strategy values', () => {
    const { args } = buildStrategyCommand(
      { name: 'c', batch_size: 2, num_beams: 1, max_new_tokens: 50, no_repeat_ngram_size: 3, device: 'cpu', dtype: 'fp32' },
      ctx,
    );
    expect(args.slice(9)).toEqual([
      '--batch-size', '2', '--num-beams', '1', '--max-new-tokens', '50',
      '--no-repeat-ngram-size', '3', '--device', 'cpu', '--dtype', 'fp32',
    ]);
    expect(buildStrategyCommand({ name: 'c', no_repeat_ngram_size: 0 }, ctx).args).not.toContain('--no-repeat-ngram-size');
  });

  it('makes a relative checkpoint absolute', () => {
    const { args } = buildStrategyCommand({ name: 'f' }, { ...ctx, checkpoint: 'outputs/ckpt' });
    expect(args[args.indexOf('--checkpoint') + 1]).toBe(`${process.cwd()}/outputs/ckpt`);
  });

  it('treats command: null as the built-in', () => {
    expect(buildStrategyCommand({ name: 'f', command: null }, ctx).command).toBe('/venv/bin/python');
  });
});

describe('buildStrategyCommand: user command', () => {
  it('runs through /bin/sh -c with each placeholder shell-quoted', () => {
    const cmd = buildStrategyCommand(
      { name: 'u', command: 'my-predict {checkpoint} {input} {output} -b {batch_size} -n {num_beams} -m {max_new_tokens} {device} {dtype}', batch_size: 4 },
      ctx,
    );
    expect(cmd).toEqual({
      command: '/bin/sh',
      args: ['-c', "my-predict '/w/ckpt' '/w/data/dev.csv' '/w/out/dev.csv.tmp' -b '4' -n '4' -m '100' 'auto' 'auto'"],
    });
  });

  it("quotes a path holding spaces, quotes and $ so the shell cannot split or expand it", () => {
    const nasty = `/w/it's "a" $HOME dir/out.csv`;
    const [, script] = buildStrategyCommand({ name: 'u', command: 'cp x {output}' }, { ...ctx, output: nasty }).args;
    expect(script).toBe(`cp x '/w/it'\\''s "a" $HOME dir/out.csv'`);
  });

  it('substitutes in one pass: a value containing a placeholder is not expanded again', () => {
    const s = substituteCommand({ name: 'u' }, 'p {input} {output}', { ...ctx, input: '/w/{output}.csv' });
    expect(s).toBe("p '/w/{output}.csv' '/w/out/dev.csv.tmp'");
  });

  it('closes and reopens quotes the user put around a placeholder', () => {
    expect(substituteCommand({ name: 'u' }, `p "{input}" '--out={output}'`, ctx)).toBe(
      `p ""'/w/data/dev.csv'"" '--out=''/w/out/dev.csv.tmp'''`,
    );
  });

  it('leaves ${VAR}, unknown {words} and escaped text alone', () => {
    expect(substituteCommand({ name: 'u' }, `awk '{print}' \${HOME} \\' {output}`, ctx)).toBe(
      `awk '{print}' \${HOME} \\' '/w/out/dev.csv.tmp'`,
    );
  });

  it('rejects a command without {output}, naming the strategy', () => {
    expect(() => buildStrategyCommand({ name: 'mine', command: 'predict {input} > out.csv' }, ctx)).toThrow(StrategyConfigError);
    expect(() => buildStrategyCommand({ name: 'mine', command: 'predict {input} > out.csv' }, ctx)).toThrow(
      /strategy "mine" command has no \{output\} placeholder/,
    );
  });
});

describe('formatCommandLine', () => {
  it('prints plain words bare and quotes the rest', () => {
    expect(formatCommandLine({ command: '/bin/sh', args: ['-c', 'echo hi'] })).toBe(`/bin/sh -c 'echo hi'`);
  });
});
