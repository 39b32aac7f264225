/** Issue 3 acceptance 5, 6, 9: affected, graph edges, config errors (no training needed). */
import { join } from 'node:path';
import { Workspace, taskRan } from './workspace';

const EXPERIMENTS = ['exp-demo', 'exp-demo-lora', 'exp-demo-t5', 'exp-kobart', 'exp-mt5'];
const affected = (ws: Workspace) => {
  const r = ws.nx('show', 'projects', '--affected', '--base=HEAD', '--json');
  expect(r.code).toBe(0);
  return (JSON.parse(r.out.slice(r.out.indexOf('['), r.out.lastIndexOf(']') + 1)) as string[]).filter((p) => p.startsWith('exp-')).sort();
};

describe('project graph', () => {
  const ws = new Workspace('graph');

  it('creates one project per experiment with described targets', () => {
    const r = ws.nx('show', 'project', 'exp-demo', '--json');
    expect(r.code).toBe(0);
    const p = JSON.parse(r.out.slice(r.out.indexOf('{'), r.out.lastIndexOf('}') + 1));
    expect(Object.keys(p.targets)).toEqual(expect.arrayContaining(['train', 'infer', 'submit']));
    expect(p.targets.infer.dependsOn).toContain('train');
    expect(p.targets.submit.dependsOn).toContain('infer');
    expect(p.targets.train.metadata.description).toMatch(/checkpoint/);
    expect(p.tags).toContain('offline');
    // Local trainings share devices through run-time locks (device-lease.ts), not Nx scheduling.
    expect(p.targets.train.parallelism).toBe(true);
  });

  it('6. nx graph has edges from every experiment to the trainer and the data', () => {
    const r = ws.nx('graph', '--file=graph.json');
    expect(r.code).toBe(0);
    const g = JSON.parse(ws.read('graph.json')).graph;
    for (const e of EXPERIMENTS) {
      const targets = (g.dependencies[e] as { target: string }[]).map((d) => d.target);
      expect(targets).toEqual(expect.arrayContaining(['trainer', 'config']));
      expect(targets).toContain('data-sample');
    }
  });

  it('5. affected follows the experiment file, base.yaml and the trainer', () => {
    ws.edit('experiments/demo/experiment.yaml', (t) => t + '\n# tweak\n');
    expect(affected(ws)).toEqual(['exp-demo']);
    ws.git('checkout', '--', '.');

    ws.edit('config/base.yaml', (t) => t + '\n# tweak\n');
    expect(affected(ws)).toEqual(EXPERIMENTS);
    ws.git('checkout', '--', '.');

    ws.edit('packages/trainer/autoexp_trainer/__init__.py', (t) => t + '\n# tweak\n');
    expect(affected(ws)).toEqual(EXPERIMENTS);
    ws.git('checkout', '--', '.');
  });

  it('an experiment that extends another: a graph edge to its parent, affected by the parent, and a fresh config after a parent edit', () => {
    ws.write('experiments/demo-child/experiment.yaml', 'extends: ../demo/experiment.yaml\ndescription: demo with another seed\ntrain:\n  seed: 7\n');
    ws.git('add', '-A');
    ws.git('-c', 'user.email=e2e@autoexp', '-c', 'user.name=e2e', 'commit', '-qm', 'child');
    try {
      expect(ws.nx('graph', '--file=graph.json').code).toBe(0);
      const deps = (JSON.parse(ws.read('graph.json')).graph.dependencies['exp-demo-child'] as { target: string }[]).map((d) => d.target);
      expect(deps).toContain('exp-demo');

      // The train section's hash, as its target shows it (the hash of its config node, plugin/config-nodes.ts).
      const trainHash = (): string => {
        const shown = ws.nx('show', 'project', 'exp-demo-child', '--json');
        expect(shown.code).toBe(0);
        return JSON.parse(shown.out.slice(shown.out.indexOf('{'), shown.out.lastIndexOf('}') + 1)).targets.train.metadata.configHash;
      };
      const before = trainHash();
      expect(before).toMatch(/^[0-9a-f]{64}$/);
      ws.edit('experiments/demo/experiment.yaml', (t) => t.replace(/learning_rate: \S+/, 'learning_rate: 0.0123'));
      expect(affected(ws)).toEqual(['exp-demo', 'exp-demo-child']);
      // A new nx process (no daemon) sees the parent's edit through the on-disk config cache.
      expect(trainHash()).not.toBe(before);
    } finally {
      ws.git('reset', '-q', '--hard', 'HEAD~1');
    }
  });

  it('9. a YAML syntax error gives a short error with file and line, before training', () => {
    ws.edit('experiments/demo/experiment.yaml', (t) => t.replace('num_beams: 2', 'num_beams: [2'));
    const r = ws.nx('run', 'exp-demo:train');
    ws.git('checkout', '--', '.');
    expect(r.code).not.toBe(0);
    expect(r.out).toMatch(/experiments\/demo\/experiment\.yaml:\d+.*YAML syntax error/);
    expect(r.out).not.toMatch(/train started/);
    expect(ws.exists('outputs/demo')).toBe(false);
    expect(r.out.split('\n').length).toBeLessThan(60);
  });

  it('9. an unknown key names file, line and key, before training', () => {
    ws.edit('experiments/demo/experiment.yaml', (t) => t.replace('  num_beams: 2', '  num_beam: 2'));
    const r = ws.nx('run', 'exp-demo:train');
    ws.git('checkout', '--', '.');
    expect(r.code).not.toBe(0);
    expect(r.out).toMatch(/experiments\/demo\/experiment\.yaml:\d+ \(key: infer\.num_beam\): unknown key 'num_beam'\. Did you mean 'num_beams'\?/);
    expect(taskRan(r.out, 'exp-demo:train')).toBe(true);
    expect(ws.exists(join('outputs', 'demo'))).toBe(false);
    expect(r.out.split('\n').length).toBeLessThan(60);
  });
});
