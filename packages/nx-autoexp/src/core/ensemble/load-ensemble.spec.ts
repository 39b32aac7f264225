import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../config/config-error';
import { clearExperimentCache } from '../config/experiment-cache';
import { loadExperiment } from '../config/load-experiment';
import { planExperiment } from '../plan/plan';
import { resolveEnsemble, workspaceCatalog } from './load-ensemble';

const REPO = join(__dirname, '..', '..', '..', '..', '..');
let root: string;
const write = (name: string, text: string) => {
  mkdirSync(join(root, 'experiments', name), { recursive: true });
  writeFileSync(join(root, 'experiments', name, 'experiment.yaml'), text);
};
const demo = () => readFileSync(join(REPO, 'experiments', 'demo', 'experiment.yaml'), 'utf8');

beforeEach(() => {
  process.env.AUTOEXP_CONFIG_CACHE = '0';
  clearExperimentCache();
  root = mkdtempSync(join(tmpdir(), 'autoexp-ensemble-'));
  cpSync(join(REPO, 'config'), join(root, 'config'), { recursive: true });
  write('a', demo());
  write('b', demo().replace('tags: [offline, demo]', 'tags: [offline, demo, sweep:lr]'));
  write('c', demo().replace('tags: [offline, demo]', 'tags: [offline, sweep:lr]'));
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
  delete process.env.AUTOEXP_CONFIG_CACHE;
});

const errorOf = (name: string): ConfigError => {
  try {
    resolveEnsemble(root, loadExperiment(root, name));
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
};

describe('resolveEnsemble', () => {
  it('loads an ensemble with no model or train section and resolves its members', () => {
    write('ens', 'description: three members\nensemble:\n  members: [exp-a, "tag:sweep:lr"]\n');
    const exp = loadExperiment(root, 'ens');
    expect(exp.config.ensemble).toEqual({ members: ['exp-a', 'tag:sweep:lr'], method: 'consensus' });
    const got = resolveEnsemble(root, exp);
    expect(got.members.map((m) => m.project)).toEqual(['exp-a', 'exp-b', 'exp-c']);
    expect(got.method).toBe('consensus');
  });

  it('the members are part of the infer cache key, as written', () => {
    write('ens', 'ensemble:\n  members: [exp-a, exp-b]\n');
    const one = loadExperiment(root, 'ens').hashes;
    write('ens', 'ensemble:\n  members: [exp-a, exp-c]\n');
    const two = loadExperiment(root, 'ens').hashes;
    expect(two.infer).not.toBe(one.infer);
    expect(two.submit).toBe(one.submit);
  });

  it('names file, line and key of a member that does not exist', () => {
    write('ens', '# an ensemble\nensemble:\n  members:\n    - exp-a\n    - exp-nope\n');
    const e = errorOf('ens');
    expect([e.file, e.line, e.key]).toEqual(['experiments/ens/experiment.yaml', 5, 'ensemble.members.1']);
    expect(e.problem).toContain("member 'exp-nope' is not a project");
  });

  it('refuses the ensemble itself and fewer than two members', () => {
    write('ens', 'ensemble:\n  members: [exp-a, exp-ens]\n');
    expect(errorOf('ens').message).toBe("experiments/ens/experiment.yaml:2 (key: ensemble.members.1): the ensemble exp-ens lists itself as a member\n  fix: remove 'exp-ens' from ensemble.members");
    write('ens', 'ensemble:\n  members: [exp-a]\n');
    const e = errorOf('ens');
    expect([e.line, e.key]).toEqual([2, 'ensemble.members']);
    expect(e.problem).toBe('an ensemble needs at least 2 members, got 1 (exp-a)');
  });

  it('refuses a cycle through another ensemble, in both ensembles, naming the path', () => {
    write('x', 'ensemble:\n  members: [exp-a, exp-y]\n');
    write('y', 'ensemble:\n  members:\n    - exp-b\n    - exp-x\n');
    const ex = errorOf('x');
    expect([ex.file, ex.line, ex.key]).toEqual(['experiments/x/experiment.yaml', 2, 'ensemble.members.1']);
    expect(ex.problem).toBe('ensemble cycle: exp-x -> exp-y -> exp-x');
    const ey = errorOf('y');
    expect([ey.file, ey.line, ey.key, ey.problem]).toEqual(['experiments/y/experiment.yaml', 4, 'ensemble.members.1', 'ensemble cycle: exp-y -> exp-x -> exp-y']);
  });

  it('tag:sweep:<name> selects the variants of a sweep, by their project names', () => {
    write('rate', `${demo()}\nsweep:\n  grid:\n    train.learning_rate: [0.003, 0.001]\n`);
    write('ens', 'ensemble:\n  members: [exp-a, "tag:sweep:rate"]\n');
    const got = resolveEnsemble(root, loadExperiment(root, 'ens')).members;
    expect(got.map((m) => [m.project, m.experiment])).toEqual([
      ['exp-a', 'a'],
      ['exp-rate--learning_rate-0.003', 'rate--learning_rate-0.003'],
      ['exp-rate--learning_rate-0.001', 'rate--learning_rate-0.001'],
    ]);
    // The sweep's folder is no project, so it is no member.
    write('ens', 'ensemble:\n  members: [exp-a, exp-rate]\n');
    expect(errorOf('ens').problem).toMatch(/^member 'exp-rate' is not a project of this workspace/);
  });

  it('an ensemble of ensembles without a cycle is fine', () => {
    write('x', 'ensemble:\n  members: [exp-a, exp-b]\n');
    write('y', 'ensemble:\n  members: [exp-x, exp-c]\n');
    expect(resolveEnsemble(root, loadExperiment(root, 'y')).members.map((m) => m.project)).toEqual(['exp-x', 'exp-c']);
  });

  it('an unknown key or method in the ensemble section is a schema error', () => {
    write('ens', 'ensemble:\n  members: [exp-a, exp-b]\n  method: vote\n');
    expect(() => loadExperiment(root, 'ens')).toThrow(/experiments\/ens\/experiment.yaml:3 \(key: ensemble.method\): must be one of: "consensus"/);
  });

  it('the catalog keeps an invalid experiment nameable', () => {
    write('broken', 'model: 3\n');
    expect(workspaceCatalog(root).get('exp-broken')).toEqual({ project: 'exp-broken', experiment: 'broken', tags: ['autoexp'] });
  });

  it('autoexp plan shows an ensemble without train: the consensus commands over the members, infer and submit forecasts', () => {
    write('ens', 'ensemble:\n  members: [exp-a, exp-b]\n');
    const plan = planExperiment(root, 'ens', { python: 'py', smoke: true });
    expect(plan.commands.map((c) => c.target)).toEqual(['infer', 'infer', 'infer', 'submit']);
    expect(plan.commands[1].command).toBe('py -m autoexp_trainer ensemble --member exp-a=runs/a/smoke/infer/predictions/test.csv --member exp-b=runs/b/smoke/infer/predictions/test.csv --output runs/ens/smoke/infer/predictions/test.csv');
    expect(plan.forecast.map((f) => [f.target, f.verdict, f.why])).toEqual([
      ['infer', 'run', 'never ensembled'],
      ['submit', 'run', 'never submitted'],
    ]);
  });
});
