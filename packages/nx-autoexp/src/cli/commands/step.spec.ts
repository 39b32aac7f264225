import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../main';
import { CliIO } from '../io';

/** `autoexp step` in-process: what the inferred run-commands targets call, with Nx's --key=value forwarding. */
let ws: string;
beforeEach(() => {
  ws = mkdtempSync(join(tmpdir(), 'autoexp-step-'));
});
afterEach(() => rmSync(ws, { recursive: true, force: true }));

async function step(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIO = { cwd: ws, stdout: (t) => out.push(t), stderr: (t) => err.push(t) };
  const code = await main(['step', ...args], io);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('autoexp step: usage', () => {
  it.each([
    [['train'], /--experiment NAME is required/],
    [['deploy', '--experiment=demo'], /expected one step \(train, infer or submit\), got deploy/],
    [['train', '--experiment=demo', '--runName=other'], /--runName other does not match --experiment demo \(expected demo\)/],
    [['train', '--experiment=demo', '--smoke=true', '--runName=demo'], /expected demo\/smoke/],
    [['train', '--experiment=demo', '--strategy=fast'], /--strategy only applies to infer/],
    [['infer', '--experiment=demo', '--latest=true'], /--latest only applies to submit/],
    [['train', '--experiment=demo', '--smoke=maybe'], /--smoke takes true or false, got 'maybe'/],
    [['train', '--experiment=demo', '--epochs=3'], /Unknown option '--epochs'/],
  ])('%j -> exit 2 naming the problem', async (args, message) => {
    const r = await step(...args);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    expect(existsSync(join(ws, 'runs'))).toBe(false);
  });

  it('--help prints the usage and exits 0', async () => {
    const r = await step('--help');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^usage: autoexp step train\|infer\|submit/);
  });

  it.each([
    ['train', '--fresh', ['--strategy', '--latest']],
    ['infer', '--strategy NAME', ['--fresh', '--latest']],
    ['submit', '--latest', ['--fresh', '--strategy']],
  ])('%s --help (what metadata.help runs) lists that step\'s own options and an example, not the others\'', async (name, own, others) => {
    const r = await step(name, '--help');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(new RegExp(`^usage: autoexp step ${name} --experiment NAME`));
    expect(r.out).toContain(own);
    expect(r.out).toContain('--smoke');
    expect(r.out).toMatch(new RegExp(`example: npx nx run exp-demo:${name}`));
    for (const o of others) expect(r.out).not.toContain(o);
  });
});

describe('autoexp step: a failing step', () => {
  it.each([
    [['train', '--experiment=nope', '--runName=nope', '--smoke=false'], 'nope.json', false],
    [['submit', '--experiment=nope', '--smoke', '--runName=nope/smoke', '--latest=false'], 'nope.smoke.json', true],
  ])('%j exits 1, prints the reason with the experiment prefix and records it for the leaderboard', async (args, file, smoke) => {
    const r = await step(...args);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(smoke ? /^\[exp-nope smoke\] ERROR: / : /^\[exp-nope\] ERROR: /);
    expect(r.err).toMatch(/experiments\/nope/);
    const record = JSON.parse(readFileSync(join(ws, 'runs/_failures', file), 'utf8'));
    expect(record).toMatchObject({ experiment: 'nope', project: 'exp-nope', target: args[0], smoke });
  });
});

describe('autoexp step: hints name the configured targets', () => {
  beforeEach(() => {
    mkdirSync(join(ws, 'experiments/demo'), { recursive: true });
    writeFileSync(join(ws, 'experiments/demo/experiment.yaml'), 'model:\n  type: seq2seq\n  init: random\n  architecture: bart\n');
  });

  it('renamed targets (as the plugin forwards them) appear in the hint; default names otherwise', async () => {
    const renamed = await step('infer', '--experiment=demo', '--runName=demo', '--trainTarget=fit', '--inferTarget=predict', '--submitTarget=upload');
    expect(renamed.code).toBe(1);
    expect(renamed.err).toMatch(/no checkpoint manifest at runs\/demo\/train\/checkpoint\.json: train has not run/);
    expect(renamed.err).toContain('run: npx nx run exp-demo:fit');
    expect(renamed.err).not.toContain('exp-demo:train');
    const smoke = await step('submit', '--experiment=demo', '--smoke', '--runName=demo/smoke', '--inferTarget=predict');
    expect(smoke.err).toContain('run: npx nx run exp-demo:predict -c smoke');
    const plain = await step('infer', '--experiment=demo', '--runName=demo');
    expect(plain.err).toContain('run: npx nx run exp-demo:train');
  });
});
