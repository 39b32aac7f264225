/**
 * runProcess stopping a real process tree: the kill grace belongs to the
 * whole group, so a program under /bin/sh (which dies on SIGTERM at once)
 * may finish what it does on SIGTERM; one that ignores SIGTERM is killed
 * when the grace ends, and nothing of the group is left. The saving program
 * takes longer than runProcess waits for the pipes to close (2 s).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runProcess } from '../../src/core/process/run-process';
import { groupAlive } from '../../src/core/process/process-group';

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'run-process-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A node program under /bin/sh: writes `ready`, and on SIGTERM `onTerm` (JS) runs. */
function shWrapped(onTerm: string): string[] {
  const js = `const fs=require('fs');process.on('SIGTERM',()=>{${onTerm}});fs.writeFileSync(process.argv[1]+'/ready','');setInterval(()=>{},1000)`;
  return ['-c', `node -e "${js}" ${dir}`];
}

async function startAndAbort(args: string[], killGraceMs: number) {
  const controller = new AbortController();
  let pid: number | undefined;
  const lines: string[] = [];
  const running = runProcess('/bin/sh', args, { signal: controller.signal, killGraceMs, onSpawn: (p) => (pid = p), onStderrLine: (l) => lines.push(l) });
  for (let i = 0; i < 300 && !existsSync(join(dir, 'ready')); i++) await new Promise((ok) => setTimeout(ok, 50));
  expect(existsSync(join(dir, 'ready'))).toBe(true);
  controller.abort();
  return { res: await running, pid: pid as number, lines };
}

it('a grandchild still saving when /bin/sh has died on SIGTERM gets the rest of the grace, and its output is kept', async () => {
  const save = `setTimeout(()=>{console.error('saved after SIGTERM');fs.writeFileSync(process.argv[1]+'/saved','');process.exit(8)},2500)`;
  const { res, pid, lines } = await startAndAbort(shWrapped(save), 20_000);
  expect(res.aborted).toBe(true);
  expect(existsSync(join(dir, 'saved'))).toBe(true);
  expect(lines).toContain('saved after SIGTERM');
  expect(groupAlive(pid)).toBe(false);
});

it('a grandchild that ignores SIGTERM is killed when the grace ends: nothing of the group is left', async () => {
  const { res, pid } = await startAndAbort(shWrapped(`fs.writeFileSync(process.argv[1]+'/term','')`), 1500);
  expect(res.aborted).toBe(true);
  expect(existsSync(join(dir, 'term'))).toBe(true); // it got the SIGTERM, and ignored it
  expect(groupAlive(pid)).toBe(false);
});
