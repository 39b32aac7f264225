/**
 * Issue 19 (ensembles), with real nx and the real trainer on the tiny demo
 * recipe in smoke runs: an ensemble of three members runs after them, writes
 * a valid submission and an index row; missing member predictions and a
 * cycle are refused with the file, line and key or the command to run.
 */
import { parse } from 'csv-parse/sync';
import { join } from 'node:path';
import { Workspace, taskCached, taskRan } from './workspace';

const index = (ws: Workspace) => parse(ws.read('prediction/experiment_index.csv'), { columns: true }) as Record<string, string>[];

describe('ensembles', () => {
  const ws = new Workspace('ensemble');
  const demo = ws.read('experiments/demo/experiment.yaml');
  // Two more members from a sweep, selected by its tag, whose summaries differ: another learning rate, greedy decoding.
  // (A 4-step smoke model at lr 0.001 writes control characters, which submit rightly refuses.)
  ws.write('experiments/pool/experiment.yaml', `${demo.replace('tags: [offline, demo]', 'tags: [offline]')}\nsweep:\n  list:\n    - {name: lr2, train.learning_rate: 0.002}\n    - {name: greedy, infer.num_beams: 1}\n`);
  ws.write('experiments/ens/experiment.yaml', 'description: consensus of the demo and the pool\nensemble:\n  members: [exp-demo, "tag:sweep:pool"]\n  method: consensus\n');

  it('an ensemble is a project with infer and submit, no train, and graph edges to its members', () => {
    const show = ws.nx('show', 'project', 'exp-ens', '--json');
    expect(show.code).toBe(0);
    const project = JSON.parse(show.out.slice(show.out.indexOf('{'), show.out.lastIndexOf('}') + 1));
    expect(Object.keys(project.targets).sort()).toEqual(['infer', 'submit']);
    expect(project.targets.infer.dependsOn).toEqual([{ target: 'infer', projects: ['exp-demo', 'exp-pool--lr2', 'exp-pool--greedy'] }]);
    expect(project.metadata.ensemble).toEqual({ method: 'consensus', members: ['exp-demo', 'exp-pool--lr2', 'exp-pool--greedy'] });
    const graph = ws.nx('graph', '--file=graph.json');
    expect(graph.code).toBe(0);
    const deps = JSON.parse(ws.read('graph.json')).graph.dependencies['exp-ens'].map((d: { target: string }) => d.target);
    expect(deps).toEqual(expect.arrayContaining(['exp-demo', 'exp-pool--lr2', 'exp-pool--greedy']));
  });

  it('runs after its three members and writes a valid submission with its members in the metadata', () => {
    const r = ws.nx('run', 'exp-ens:submit', '-c', 'smoke');
    expect(r.code).toBe(0);
    for (const m of ['exp-demo', 'exp-pool--lr2', 'exp-pool--greedy']) {
      expect(taskRan(r.out, `${m}:infer:smoke`)).toBe(true);
      // Every member's infer finished before the ensemble's began.
      expect(r.out.indexOf(`> nx run ${m}:infer:smoke`)).toBeLessThan(r.out.indexOf('> nx run exp-ens:infer:smoke'));
    }
    expect(taskRan(r.out, 'exp-ens:train:smoke')).toBe(false);
    expect(r.out).toMatch(/\[exp-ens smoke\] infer: consensus of 3 members: exp-demo, exp-pool--lr2, exp-pool--greedy/);

    const row = index(ws).find((x) => x.experiment === 'ens');
    expect(row).toBeDefined();
    expect(row!.project).toBe('exp-ens');
    expect(row!.strategy).toBe('consensus');
    expect(Number(row!.score)).toBeGreaterThan(0);
    const v = ws.autoexp('validate-submission', join(ws.root, row!.output_path), '--sample', join(ws.root, 'data/sample/sample_submission.csv'), '--allow-degenerate');
    expect(v.code).toBe(0);
    const meta = JSON.parse(ws.read(row!.metadata_path));
    const members = meta.inference.ensemble.members as { project: string; picks: { dev: number; test: number } }[];
    expect(members.map((m) => m.project)).toEqual(['exp-demo', 'exp-pool--lr2', 'exp-pool--greedy']);
    const testRows = parse(ws.read('data/sample/test.csv'), { columns: true }).length;
    expect(members.reduce((n, m) => n + m.picks.test, 0)).toBe(testRows);
    // Each chosen test summary is one of the members' summaries of that item.
    const chosen = parse(ws.read('runs/ens/smoke/infer/predictions/test.csv'), { columns: true }) as { fname: string; summary: string }[];
    const byMember = ['demo', 'pool--lr2', 'pool--greedy'].map((m) => new Map((parse(ws.read(`runs/${m}/smoke/infer/predictions/test.csv`), { columns: true }) as { fname: string; summary: string }[]).map((x) => [x.fname, x.summary])));
    for (const c of chosen) expect(byMember.map((m) => m.get(c.fname))).toContain(c.summary);
    const lb = ws.autoexp('leaderboard', '--include-smoke', '--json');
    const board = JSON.parse(lb.out) as { experiment: string; project?: string }[];
    expect(board.filter((x) => x.experiment === 'ens').map((x) => x.project)).toEqual(['exp-ens']);
  });

  it('a second run is a cache hit, its inputs being the members\' predictions', () => {
    const r = ws.nx('run', 'exp-ens:submit', '-c', 'smoke');
    expect(r.code).toBe(0);
    expect(taskCached(r.out, 'exp-ens:infer:smoke')).toBe(true);
    expect(taskCached(r.out, 'exp-ens:submit:smoke')).toBe(true);
  });

  it("a member whose predictions change makes the ensemble's infer run again; the others stay cache hits", () => {
    ws.edit('experiments/pool/experiment.yaml', (t) => t.replace('{name: greedy, infer.num_beams: 1}', '{name: greedy, infer.num_beams: 1, infer.max_new_tokens: 8}'));
    const r = ws.nx('run', 'exp-ens:infer', '-c', 'smoke');
    expect(r.code).toBe(0);
    expect(taskRan(r.out, 'exp-pool--greedy:infer:smoke')).toBe(true);
    expect(taskCached(r.out, 'exp-demo:infer:smoke')).toBe(true);
    expect(taskCached(r.out, 'exp-pool--lr2:infer:smoke')).toBe(true);
    expect(taskRan(r.out, 'exp-ens:infer:smoke')).toBe(true);
  });

  it('missing member predictions at infer time name the member and the command that makes them', () => {
    ws.run('rm', ['runs/pool--lr2/smoke/infer/predictions/test.csv']);
    const r = ws.nx('run', 'exp-ens:infer', '-c', 'smoke', '--exclude-task-dependencies', '--skip-nx-cache');
    expect(r.code).not.toBe(0);
    expect(r.out).toContain('exp-pool--lr2: no test predictions at runs/pool--lr2/smoke/infer/predictions/test.csv (make them with: npx nx run exp-pool--lr2:infer -c smoke)');
  });

  it('an ensemble cycle is refused before anything runs, naming file, line and key', () => {
    ws.write('experiments/x/experiment.yaml', 'ensemble:\n  members: [exp-demo, exp-y]\n');
    ws.write('experiments/y/experiment.yaml', 'ensemble:\n  members: [exp-pool--greedy, exp-x]\n');
    const r = ws.nx('run', 'exp-x:submit', '--skip-nx-cache');
    expect(r.code).not.toBe(0);
    expect(r.out).toContain('experiments/x/experiment.yaml:2 (key: ensemble.members.1): ensemble cycle: exp-x -> exp-y -> exp-x');
    expect(taskRan(r.out, 'exp-demo:train')).toBe(false);
    expect(ws.exists('runs/x')).toBe(false);
    // The rest of the workspace keeps working.
    expect(ws.nx('show', 'projects').code).toBe(0);
  });
});
