import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clearExperimentCache, loadExperimentCached } from './experiment-cache';

const MODEL = 'model:\n  type: seq2seq\n  init: random\n  architecture: bart\n';
const tick = () => new Promise((r) => setImmediate(r));

const made: string[] = [];
afterAll(() => made.splice(0).forEach((root) => rmSync(root, { recursive: true, force: true })));

function workspace(): string {
  const root = mkdtempSync(join(tmpdir(), 'autoexp-cache-'));
  made.push(root);
  mkdirSync(join(root, 'config'));
  mkdirSync(join(root, 'experiments', 'a'), { recursive: true });
  writeFileSync(join(root, 'config', 'base.yaml'), 'train:\n  seed: 7\n');
  writeFileSync(join(root, 'experiments', 'a', 'experiment.yaml'), MODEL + 'description: first\n');
  return root;
}
const diskFile = (root: string) => join(root, '.nx', 'workspace-data', 'autoexp-experiments.json');

describe('loadExperimentCached across processes', () => {
  afterEach(() => clearExperimentCache());

  it('reuses the saved result in a new process while the files are unchanged, re-reads after an edit', async () => {
    const root = workspace();
    expect(loadExperimentCached(root, 'a').config.description).toBe('first');
    await tick();
    expect(existsSync(diskFile(root))).toBe(true);

    // A marker only the saved file has: seeing it proves the result came from disk, not from a parse.
    const saved = JSON.parse(readFileSync(diskFile(root), 'utf8'));
    saved.entries.a.value[0].config.description = 'from disk';
    writeFileSync(diskFile(root), JSON.stringify(saved));
    clearExperimentCache(); // as a new `nx` process
    expect(loadExperimentCached(root, 'a').config.description).toBe('from disk');

    clearExperimentCache();
    writeFileSync(join(root, 'experiments', 'a', 'experiment.yaml'), MODEL + 'description: second\n');
    expect(loadExperimentCached(root, 'a').config.description).toBe('second');
  });

  it('follows the extends chain: an edited parent or grandparent is re-read, in the process and in a new one', async () => {
    const root = workspace();
    mkdirSync(join(root, 'experiments', 'parent'));
    mkdirSync(join(root, 'experiments', 'grand'));
    writeFileSync(join(root, 'experiments', 'grand', 'experiment.yaml'), MODEL + 'train:\n  learning_rate: 0.1\n');
    writeFileSync(join(root, 'experiments', 'parent', 'experiment.yaml'), 'extends: ../grand/experiment.yaml\ninfer:\n  num_beams: 2\n');
    writeFileSync(join(root, 'experiments', 'a', 'experiment.yaml'), 'extends: ../parent/experiment.yaml\ndescription: child\n');
    const a = () => loadExperimentCached(root, 'a').config;
    expect([a().train.learning_rate, a().infer.num_beams]).toEqual([0.1, 2]);
    await tick();

    // Same process (the daemon): sizes change, so the stamps do whatever the clock's resolution.
    writeFileSync(join(root, 'experiments', 'grand', 'experiment.yaml'), MODEL + 'train:\n  learning_rate: 0.25\n');
    expect(a().train.learning_rate).toBe(0.25);
    writeFileSync(join(root, 'experiments', 'parent', 'experiment.yaml'), 'extends: ../grand/experiment.yaml\ninfer:\n  num_beams: 12\n');
    expect(a().infer.num_beams).toBe(12);
    await tick();

    // A new process: only the saved file, keyed by content.
    clearExperimentCache();
    expect(a().train.learning_rate).toBe(0.25);
    clearExperimentCache();
    writeFileSync(join(root, 'experiments', 'grand', 'experiment.yaml'), MODEL + 'train:\n  learning_rate: 0.5\n');
    expect(a().train.learning_rate).toBe(0.5);
    await tick();
    clearExperimentCache();
    writeFileSync(join(root, 'experiments', 'parent', 'experiment.yaml'), 'extends: ../grand/experiment.yaml\ninfer:\n  num_beams: 3\n');
    expect(a().infer.num_beams).toBe(3);
  });

  it('re-reads every experiment when config/base.yaml changes', async () => {
    const root = workspace();
    expect(loadExperimentCached(root, 'a').config.train.seed).toBe(7);
    await tick();
    clearExperimentCache();
    writeFileSync(join(root, 'config', 'base.yaml'), 'train:\n  seed: 8\n');
    expect(loadExperimentCached(root, 'a').config.train.seed).toBe(8);
  });

  it('discards a file written by another loader version, and never saves an invalid config', async () => {
    const root = workspace();
    loadExperimentCached(root, 'a');
    await tick();
    const saved = JSON.parse(readFileSync(diskFile(root), 'utf8'));
    saved.version = 'older';
    saved.entries.a.value[0].config.description = 'stale';
    writeFileSync(diskFile(root), JSON.stringify(saved));
    clearExperimentCache();
    expect(loadExperimentCached(root, 'a').config.description).toBe('first');

    writeFileSync(join(root, 'experiments', 'a', 'experiment.yaml'), MODEL + 'train:\n  learning_rat: 1\n');
    expect(() => loadExperimentCached(root, 'a')).toThrow(/learning_rat/);
    await tick();
    expect(JSON.parse(readFileSync(diskFile(root), 'utf8')).entries.a).toBeUndefined();
  });

  it('writes nothing with AUTOEXP_CONFIG_CACHE=0', async () => {
    const root = workspace();
    process.env.AUTOEXP_CONFIG_CACHE = '0';
    try {
      loadExperimentCached(root, 'a');
      await tick();
      expect(existsSync(diskFile(root))).toBe(false);
    } finally {
      delete process.env.AUTOEXP_CONFIG_CACHE;
    }
  });
});
