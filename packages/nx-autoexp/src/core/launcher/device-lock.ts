/**
 * One lock file per device slot, shared by every autoexp process on this host.
 *
 * Not proper-lockfile (core/submission/file-lock.ts): its locks stay valid
 * only while the holder refreshes their mtime, which suits a submit's
 * sub-second hold but not a GPU held for hours (a suspended laptop or a
 * starved event loop would hand the GPU to a second training), and a killed
 * holder's lock is only reclaimed after the stale window. Here a lock names
 * its holder processes (pid + start time, so a reused pid is not mistaken for
 * them) and is free exactly when none of them is alive.
 */
import { linkSync, mkdirSync, readFileSync, renameSync, statSync, unlinkSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic } from '../fs/atomic-write';
import { workspaceDataDir } from '../config/workspace-data';

export interface HolderProcess {
  pid: number;
  /** Linux: start time from /proc/<pid>/stat (clock ticks since boot); null elsewhere. */
  start: string | null;
}

export interface SlotHolder {
  /** Who holds it, for "busy: exp-a, exp-b". */
  label: string;
  host: string;
  since: string;
  /** The task process first, then the processes it started (the trainer): the slot is busy while any lives. */
  procs: HolderProcess[];
  token: string;
}

/** Per host: two machines sharing a workspace over NFS each have their own GPU 0. */
export function deviceLockDir(workspaceRoot: string): string {
  return join(workspaceDataDir(workspaceRoot), 'autoexp', 'devices', hostname());
}

export function slotFile(dir: string, slot: string): string {
  return join(dir, `${encodeURIComponent(slot)}.lock`);
}

export function processStart(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 22 (starttime); the command name (field 2) may hold spaces, so count from its closing ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

export function processAlive(p: HolderProcess): boolean {
  try {
    process.kill(p.pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false; // ESRCH: gone
  }
  const now = processStart(p.pid);
  return p.start === null || now === null || now === p.start;
}

export function readHolder(file: string): SlotHolder | null {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return null;
  }
  try {
    const h = JSON.parse(text) as SlotHolder;
    return Array.isArray(h.procs) ? h : { ...h, procs: [] };
  } catch {
    return { label: '?', host: '?', since: '?', procs: [], token: '' }; // unreadable: nobody can be alive in it
  }
}

const held = new Map<string, string>(); // file -> token, released on exit
let exitHook = false;

function releaseAllSync(): void {
  for (const [file, token] of held) releaseSlot(file, token);
}

/**
 * Takes the slot if it is free or its holders are all gone. The lock appears
 * whole or not at all: the holder record is written to a temp file and
 * hard-linked into place (link fails if the name exists).
 */
export function tryAcquireSlot(file: string, label: string): SlotHolder | null {
  mkdirSync(join(file, '..'), { recursive: true });
  const holder: SlotHolder = { label, host: hostname(), since: new Date().toISOString(), procs: [{ pid: process.pid, start: processStart(process.pid) }], token: randomBytes(8).toString('hex') };
  const tmp = `${file}.${process.pid}.${holder.token}.tmp`;
  writeFileAtomic(tmp, JSON.stringify(holder), { durable: false });
  try {
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        linkSync(tmp, file);
        held.set(file, holder.token);
        if (!exitHook) {
          exitHook = true;
          process.on('exit', releaseAllSync);
        }
        return holder;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
      if (!reclaimIfDead(file)) return null;
    }
    return null;
  } finally {
    try {
      unlinkSync(tmp);
    } catch {
      /* gone already */
    }
  }
}

/**
 * Removes a lock whose holders are all dead. Two waiters may see the same
 * dead lock: each renames it to a name of its own first (only one rename can
 * win), and only removes what it took if it is still the dead lock it read
 * (same inode); a fresh lock taken by mistake is linked back.
 */
export function reclaimIfDead(file: string): boolean {
  let ino: number;
  try {
    ino = statSync(file).ino;
  } catch {
    return true; // released meanwhile
  }
  const h = readHolder(file);
  if (!h || h.procs.some(processAlive)) return !h;
  const claimed = `${file}.reclaim-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    renameSync(file, claimed);
  } catch {
    return true; // someone else reclaimed it; try again
  }
  try {
    if (statSync(claimed).ino !== ino) linkSync(claimed, file);
  } catch {
    /* the name was taken again meanwhile: that holder keeps it */
  }
  unlinkSync(claimed);
  return true;
}

/** Adds a process the holder started (the trainer), so the slot stays busy while it runs even if the task is killed. */
export function addHolderProcess(file: string, token: string, pid: number): void {
  const h = readHolder(file);
  if (!h || h.token !== token) return;
  h.procs.push({ pid, start: processStart(pid) });
  writeFileAtomic(file, JSON.stringify(h), { durable: false });
}

export function releaseSlot(file: string, token: string): void {
  held.delete(file);
  if (readHolder(file)?.token !== token) return; // not ours any more
  try {
    unlinkSync(file);
  } catch {
    /* already gone */
  }
}

/** The live holder of a slot, or null when it is free (a dead holder's lock counts as free). */
export function liveHolder(file: string): SlotHolder | null {
  const h = readHolder(file);
  return h && h.procs.some(processAlive) ? h : null;
}
