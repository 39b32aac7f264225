/** Issue 19 items 1, 2: a sweep is one cached Nx project per variant; seed groups; bad sweeps refused before anything runs. */
import { Workspace, taskCached, taskRan } from './workspace';

const SWEEP_FILE = 'experiments/lr/experiment.yaml';
// The demo recipe with cheaper generation: 6 smoke pipelines on CPU.
const base = (ws: Workspace) =>
  ws
    .read('experiments/demo/experiment.yaml')
    .replace('tags: [offline, demo]', 'tags: [offline]')
    .replace('num_beams: 2', 'num_beams: 1')
    .replace(/max_new_tokens: 32/, 'max_new_tokens: 8');
const grid = (lrs: string) => `sweep:\n  grid:\n    train.learning_rate: [${lrs}]\n    train.seed: [1, 2]\n`;
const VARIANTS = ['exp-lr--learning_rate-0.001-seed-1', 'exp-lr--learning_rate-0.001-seed-2', 'exp-lr--learning_rate-0.003-seed-1', 'exp-lr--learning_rate-0.003-seed-2'];
const NEW = ['exp-lr--learning_rate-3e-4-seed-1', 'exp-lr--learning_rate-3e-4-seed-2'];
const STEPS = ['train', 'infer', 'submit'];

function projects(ws: Workspace, ...args: string[]): string[] {
  const r = ws.nx('show', 'projects', '--json', ...args);
  expect(r.code).toBe(0);
  return (JSON.parse(r.out.slice(r.out.indexOf('['), r.out.lastIndexOf(']') + 1)) as string[]).sort();
}

describe('sweep', () => {
  const ws = new Workspace('sweep');

  it('bad sweeps are refused before anything runs, naming file, line and key', () => {
    const cases: [string, RegExp][] = [
      ['sweep:\n  grid:\n    train.lerning_rate: [0.003, 0.001]\n', /experiments\/lr\/experiment\.yaml:\d+ \(key: sweep\.grid\.train\.lerning_rate\): unknown key 'lerning_rate' in train\. Did you mean 'train\.learning_rate'\?/],
      ['sweep:\n  list:\n    - {name: a, train.seed: 1}\n    - {name: a, train.seed: 2}\n', /experiments\/lr\/experiment\.yaml:\d+ \(key: sweep\.list\.name\): two variants are named 'a'/],
      ['sweep:\n  random:\n    n: 2\n    space:\n      train.warmup_ratio: {uniform: [0.3, 0.1]}\n', /experiments\/lr\/experiment\.yaml:\d+ \(key: sweep\.random\.space\.train\.warmup_ratio\.uniform\): lo > hi/],
    ];
    for (const [sweep, message] of cases) {
      ws.write(SWEEP_FILE, base(ws) + sweep);
      const r = ws.nx('run-many', '-t', 'submit', '-c', 'smoke', '--projects=tag:sweep:lr');
      expect(r.code).not.toBe(0);
      expect(r.out).toMatch(message);
      expect(ws.list('runs').filter((d) => d.startsWith('lr'))).toEqual([]);
      expect(ws.list('outputs')).toEqual([]);
    }
  });

  it('a 2x2 grid is exactly 4 projects tagged sweep:lr; the sweep file is no experiment project', () => {
    ws.write(SWEEP_FILE, base(ws) + grid('0.003, 0.001'));
    ws.git('add', '-A');
    ws.git('-c', 'user.email=e2e@autoexp', '-c', 'user.name=e2e', 'commit', '-qm', 'sweep');
    expect(projects(ws, '--projects=tag:sweep:lr')).toEqual(VARIANTS);
    const all = projects(ws);
    expect(all.filter((p) => p.startsWith('exp-lr'))).toEqual(VARIANTS);
    const plan = ws.autoexp('plan', 'lr');
    expect(plan.code).toBe(0);
    for (const v of VARIANTS) expect(plan.out).toContain(v);
    expect(plan.out).toMatch(/exp-lr--learning_rate-0\.001-seed-2 +train\.learning_rate=0\.001  train\.seed=2/);
  });

  it('editing the sweep marks its variants affected', () => {
    ws.edit(SWEEP_FILE, (t) => t.replace('[0.003, 0.001]', '[0.003, 0.001, 0.0003]'));
    expect(projects(ws, '--affected', '--base=HEAD').filter((p) => p.startsWith('exp-'))).toEqual([...VARIANTS, ...NEW].sort());
    ws.git('checkout', '--', '.');
  });

  let first: string;
  it('run-many over the tag runs every variant, each its own runs/ folder', () => {
    const r = ws.nx('run-many', '-t', 'submit', '-c', 'smoke', '--projects=tag:sweep:lr');
    expect(r.code).toBe(0);
    for (const v of VARIANTS) for (const s of STEPS) expect(taskRan(r.out, `${v}:${s}:smoke`)).toBe(true);
    expect(ws.list('runs').filter((d) => d.startsWith('lr--'))).toEqual(VARIANTS.map((v) => v.slice('exp-'.length)));
    first = r.out;
  });

  it('adding a third learning rate runs only the 2 new variants; the old 12 tasks are cache hits', () => {
    expect(first).toBeDefined();
    ws.edit(SWEEP_FILE, (t) => t.replace('[0.003, 0.001]', '[0.003, 0.001, 0.0003]'));
    const r = ws.nx('run-many', '-t', 'submit', '-c', 'smoke', '--projects=tag:sweep:lr');
    expect(r.code).toBe(0);
    for (const v of VARIANTS) for (const s of STEPS) expect(taskCached(r.out, `${v}:${s}:smoke`)).toBe(true);
    for (const v of NEW) for (const s of STEPS) expect(taskRan(r.out, `${v}:${s}:smoke`)).toBe(true);
  });

  it("a seed group shows its members' mean, std and n on the leaderboard", () => {
    const r = ws.autoexp('leaderboard', '--include-smoke', '--json');
    expect(r.code).toBe(0);
    const rows = (JSON.parse(r.out) as { experiment: string; project: string; score: number; group: { name: string; mean: number; std: number; n: number } | null }[]).filter((x) => x.experiment?.startsWith('lr--'));
    // Rows name experiments (lr--<variant>), with the Nx project beside them.
    expect(rows.map((x) => x.project).sort()).toEqual([...VARIANTS, ...NEW].sort());
    expect(rows.map((x) => `exp-${x.experiment}`).sort()).toEqual([...VARIANTS, ...NEW].sort());
    const members = rows.filter((x) => x.experiment.startsWith('lr--learning_rate-0.001-'));
    const [a, b] = members.map((x) => x.score);
    for (const m of members) {
      expect(m.group).toMatchObject({ name: 'lr--learning_rate-0.001', n: 2 });
      expect(m.group!.mean).toBeCloseTo((a + b) / 2, 10);
      expect(m.group!.std).toBeCloseTo(Math.abs(a - b) / Math.SQRT2, 10);
    }
    const table = ws.autoexp('leaderboard', '--include-smoke');
    expect(table.out).toContain('group: mean ± std (n)');
    expect(table.out).toMatch(/ lr--learning_rate-0\.001-seed-1 \(smoke\).*lr--learning_rate-0\.001: \d+\.\d\d ± \d+\.\d\d \(n=2\)/);
  });
});
