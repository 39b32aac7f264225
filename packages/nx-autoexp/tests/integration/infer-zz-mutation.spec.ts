import execa from 'execa';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runStrategyChain } from '../../src/core/infer';
import type { ProcessRunner } from '../../src/core/process/run-process';
it('careless runner leaves the child alive', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mut-'));
  require('fs').writeFileSync(join(dir, 'dev.csv'), 'fname,d\na,b\n');
  const careless: ProcessRunner = async (cmd, args, o = {}) => {
    const child = execa(cmd, args, { reject: false });
    const t = setTimeout(() => child.kill('SIGKILL'), o.timeoutMs);
    const r = await child; clearTimeout(t);
    return { exitCode: r.exitCode ?? null, signal: r.signal ?? null, timedOut: true, aborted: false, durationMs: 1, tail: [], stderrTail: [] };
  };
  const pidfile = join(dir, 'p');
  await runStrategyChain({ experiment: 'x', strategies: [{ name: 'h', command: `sh ${resolve(__dirname, '../fixtures/strategies/hang.sh')} ${pidfile} {output}`, timeout_s: 1 }],
    splits: [{ name: 'dev', input: 'dev.csv', output: 'o.csv' }], python: 'p', checkpoint: 'c', cwd: dir, log: () => undefined, runner: careless });
  const pids = readFileSync(pidfile, 'utf8').trim().split(' ').map(Number);
  await new Promise((r) => setTimeout(r, 300));
  const alive = pids.filter((p) => { try { process.kill(p, 0); return true; } catch { return false; } });
  console.log('alive', alive, pids);
  for (const p of alive) process.kill(p, 'SIGKILL');
  expect(alive.length).toBeGreaterThan(0);
});
