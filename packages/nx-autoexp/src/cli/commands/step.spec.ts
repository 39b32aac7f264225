import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
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
});

describe('autoexp step: a failing step', () => {
  it.each([
    [['train', '--experiment=nope', '--runName=nope', '--smoke=false'], 'exp-nope.json', false],
    [['submit', '--experiment=nope', '--smoke', '--runName=nope/smoke', '--latest=false'], 'exp-nope.smoke.json', true],
  ])('%j exits 1, prints the reason with the experiment prefix and records it for the leaderboard', async (args, file, smoke) => {
    const r = await step(...args);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(smoke ? /^\[exp-nope smoke\] ERROR: / : /^\[exp-nope\] ERROR: /);
    expect(r.err).toMatch(/experiments\/nope/);
    const record = JSON.parse(readFileSync(join(ws, 'runs/_failures', file), 'utf8'));
    expect(record).toMatchObject({ experiment: 'exp-nope', target: args[0], smoke });
  });
});
