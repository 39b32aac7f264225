/**
 * Process groups: every child runProcess starts leads its own (detached), so a
 * signal to the group reaches the grandchildren too: a user's train.py under
 * /bin/sh, torchrun's workers, a predictor's helpers.
 */
import { readFileSync, readdirSync } from 'node:fs';

/** Signals the process group led by `pid`; falls back to the process alone. */
export function killGroup(pid: number | undefined, sig: NodeJS.Signals): void {
  if (!pid) return;
  try {
    process.kill(-pid, sig);
  } catch {
    try {
      process.kill(pid, sig);
    } catch {
      /* already gone */
    }
  }
}

/**
 * The running (not zombie) processes of a group, from /proc; null where there
 * is no /proc (macOS). A zombie does not count: an orphan reparented to a PID 1
 * that never reaps (a bare container) stays one.
 */
export function liveGroupMembers(pgid: number): number[] | null {
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((n) => /^\d+$/.test(n));
  } catch {
    return null;
  }
  return pids.map(Number).filter((pid) => {
    try {
      // /proc/<pid>/stat: "pid (comm) state ppid pgrp ..."; comm may hold spaces and parentheses.
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return Number(fields[2]) === pgid && fields[0] !== 'Z';
    } catch {
      return false; // it exited while we looked
    }
  });
}

/** Whether any process of the group still runs (waiting on a zombie would use the whole kill grace for nothing). */
export function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
  } catch {
    return false;
  }
  const live = liveGroupMembers(pgid);
  return live === null || live.length > 0;
}

/** Resolves once the group has no running process, or at `deadline` (epoch ms), whichever is first. */
export async function waitGroupGone(pgid: number, deadline: number, pollMs = 100): Promise<boolean> {
  while (groupAlive(pgid)) {
    if (Date.now() >= deadline) return false;
    await new Promise((done) => setTimeout(done, pollMs));
  }
  return true;
}
