import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { readRegularFile } from '../fs/read-regular-file';
import { join } from 'node:path';
import { writeJsonAtomic } from '../fs/atomic-write';
import { BASE_CONFIG, experimentFile, pickExperiment } from './experiment-files';
import { splitVariant } from '../naming/experiment-names';
import { EXPERIMENT_SCHEMA_PATH } from './schema';
import { workspaceDataDir } from './workspace-data';
import type { ResolvedExperiment } from './types';

/**
 * Memoises loadExperiment for the Nx plugin (createNodes + createDependencies,
 * run on every graph computation), at two levels:
 * - in the process, by the (size, mtime) of the experiment file, config/base.yaml
 *   and its `extends` parents (the daemon keeps one process alive);
 * - across processes, by the sha1 of those files' bytes, in
 *   <Nx workspace data>/autoexp-experiments.json: without the daemon every `nx`
 *   command is a new process, and parsing + validating 1,000 configs again
 *   costs seconds. Only valid configs are kept there (an invalid one is
 *   re-read, so its error is always exact); the file also records this
 *   loader's build and the schema, so a new plugin version starts afresh.
 */
type Loaded = ResolvedExperiment[];
type Entry = { key: string; value: Loaded | Error };
const cache = new Map<string, Entry>();

interface DiskCache {
  version: string;
  entries: Record<string, { key: string; value: Loaded }>;
}
const disks = new Map<string, { file: string; data: DiskCache; dirty: boolean }>();
const DISK_FILE = 'autoexp-experiments.json';

function stamp(path: string): string {
  try {
    const s = statSync(path);
    return `${s.size}:${s.mtimeMs}`;
  } catch {
    return 'missing';
  }
}

function contentKey(paths: string[]): string {
  const h = createHash('sha1');
  for (const p of paths) {
    h.update(p).update('\0');
    try {
      h.update(readRegularFile(p)); // a FIFO in the chain must not block the plugin worker
    } catch {
      h.update('\0missing');
    }
    h.update('\0');
  }
  return h.digest('hex');
}

let buildVersion: string | null = null;
/** Changes whenever the loader or the schema (defaults!) changes. */
function loaderVersion(): string {
  buildVersion ??= contentKey([require.resolve('./load-experiment'), require.resolve('./experiment-files'), require.resolve('../sweep/expand'), require.resolve('../sweep/variant-name'), EXPERIMENT_SCHEMA_PATH]);
  return buildVersion;
}

function diskOf(workspaceRoot: string) {
  let d = disks.get(workspaceRoot);
  if (d) return d;
  const file = join(workspaceDataDir(workspaceRoot), DISK_FILE);
  let data: DiskCache = { version: loaderVersion(), entries: {} };
  try {
    const read = JSON.parse(readFileSync(file, 'utf8')) as DiskCache;
    if (read.version === data.version && read.entries && typeof read.entries === 'object') data = read;
  } catch {
    /* none yet, or unreadable: start empty */
  }
  d = { file, data, dirty: false };
  disks.set(workspaceRoot, d);
  return d;
}

/** One write after the current batch of loads (createNodes loads every experiment in one go). */
function scheduleFlush(d: { file: string; data: DiskCache; dirty: boolean }, workspaceRoot: string): void {
  if (d.dirty) return;
  d.dirty = true;
  setImmediate(() => {
    d.dirty = false;
    // A workspace removed meanwhile (a test's temp folder): writing would make its folders again.
    if (!existsSync(workspaceRoot)) return;
    try {
      writeJsonAtomic(d.file, d.data, { durable: false }); // a cache: entries are checked against file contents
    } catch {
      /* a cache: a read-only workspace only loses speed */
    }
  });
}

const persist = () => process.env.AUTOEXP_CONFIG_CACHE !== '0';

/** loadExperiment, memoised: an experiment or one variant of a sweep. */
export function loadExperimentCached(workspaceRoot: string, name: string): ResolvedExperiment {
  return pickExperiment(loadExperimentFolderCached(workspaceRoot, splitVariant(name).folder), name, workspaceRoot);
}

/** loadExperimentFolder, memoised: what one experiments/<name>/experiment.yaml yields (one experiment, or a sweep's variants). */
export function loadExperimentFolderCached(workspaceRoot: string, name: string): ResolvedExperiment[] {
  const own = experimentFile(workspaceRoot, name);
  const base = join(workspaceRoot, BASE_CONFIG);
  const id = `${workspaceRoot}\0${name}`;
  const prev = cache.get(id);
  // Every variant of a sweep has the same sources.
  const sourcesOf = (v: Loaded | Error | undefined) => (v && !(v instanceof Error) && v.length ? v[0].sources.map((s) => join(workspaceRoot, s)) : []);
  const stampKey = (v: Loaded | Error | undefined) => [own, base, ...sourcesOf(v)].map(stamp).join('|');
  if (prev && prev.key === stampKey(prev.value)) {
    if (prev.value instanceof Error) throw prev.value;
    return prev.value;
  }
  const disk = persist() ? diskOf(workspaceRoot) : null;
  const saved = disk?.data.entries[name];
  if (saved && Array.isArray(saved.value) && saved.key === contentKey([own, base, ...sourcesOf(saved.value)])) {
    cache.set(id, { key: stampKey(saved.value), value: saved.value });
    return saved.value;
  }
  let value: Loaded | Error;
  try {
    // Loaded on a miss only: the parser, the schema and sweeps cost ~15 ms of requires a step need not pay.
    value = (require('./load-experiment') as typeof import('./load-experiment')).loadExperimentFolder(workspaceRoot, name);
  } catch (err) {
    value = err as Error;
  }
  cache.set(id, { key: stampKey(value), value });
  if (disk) {
    if (value instanceof Error) delete disk.data.entries[name];
    else disk.data.entries[name] = { key: contentKey([own, base, ...sourcesOf(value)]), value };
    scheduleFlush(disk, workspaceRoot);
  }
  if (value instanceof Error) throw value;
  return value;
}

/** For tests: forgets the in-process cache (the file stays; AUTOEXP_CONFIG_CACHE=0 turns it off). */
export function clearExperimentCache(): void {
  cache.clear();
  disks.clear();
}
