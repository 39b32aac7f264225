import { spawnSync } from 'node:child_process';
import { shellQuote, shellWord } from './shell-quote';

describe('shellQuote: always single-quoted (the value reaches the program byte for byte)', () => {
  it.each([
    ['plain', `'plain'`],
    [`it's`, `'it'\\''s'`],
    ['', `''`],
  ])('%j -> %s', (input, quoted) => expect(shellQuote(input)).toBe(quoted));

  it('round-trips through a real shell', () => {
    const nasty = [`a'b`, 'a b', '$(echo pwned)', '`id`', '"', '\\', '*', '', 'x\ny', '한국어 요약', 'plain'];
    const r = spawnSync('/bin/sh', ['-c', `printf '%s\\0' ${nasty.map(shellQuote).join(' ')}`], { encoding: 'utf8' });
    expect(r.stdout.split('\0').slice(0, -1)).toEqual(nasty);
  });
});

describe('shellWord: bare when plainly safe, else single-quoted (text people read)', () => {
  it.each([
    ['plain', 'plain'],
    ['/abs/path-1.2/x_y', '/abs/path-1.2/x_y'],
    ['with space', `'with space'`],
    [`it's`, `'it'\\''s'`],
    ['$HOME `x` "q" \\n', `'$HOME \`x\` "q" \\n'`],
    ['', `''`],
  ])('%j -> %s', (input, quoted) => {
    expect(shellWord(input)).toBe(quoted);
  });

  it('round-trips through a real shell', () => {
    const nasty = [`a'b`, 'a b', '$(echo pwned)', '`id`', '"', '\\', '*', '', 'x\ny', '한국어 요약'];
    const r = spawnSync('/bin/sh', ['-c', `printf '%s\\0' ${nasty.map(shellWord).join(' ')}`], { encoding: 'utf8' });
    expect(r.stdout.split('\0').slice(0, -1)).toEqual(nasty);
  });
});

