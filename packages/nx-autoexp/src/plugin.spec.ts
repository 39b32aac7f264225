import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import type { CreateNodesContextV2, ProjectConfiguration } from '@nx/devkit';
import { createDependencies, createNodesV2 } from './plugin';
import { PACKAGE_NAME, STEP_PACKAGES, stepInputs } from './plugin/step-inputs';

// createNodesV2 / createDependencies as Nx calls them, on a temporary workspace:
// what `nx show project` and the project graph get from the experiment files.

const REPO = join(__dirname, '..', '..', '..');
const NX_JSON = JSON.parse(readFileSync(join(REPO, 'nx.json'), 'utf8'));
let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'autoexp-plugin-'));
  cpSync(join(REPO, 'config'), join(root, 'config'), { recursive: true });
  mkdirSync(join(root, 'experiments', 'demo'), { recursive: true });
  cpSync(join(REPO, 'experiments', 'demo', 'experiment.yaml'), join(root, 'experiments', 'demo', 'experiment.yaml'));
  mkdirSync(join(root, 'experiments', 'broken'), { recursive: true });
  writeFileSync(join(root, 'experiments', 'broken', 'experiment.yaml'), 'tags: [nightly]\ntrain:\n  learning_rat: 0.1\n');
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const FILES = ['experiments/demo/experiment.yaml', 'experiments/broken/experiment.yaml'];
const context = (): CreateNodesContextV2 => ({ workspaceRoot: root, nxJsonConfiguration: NX_JSON });
const externals = (inputs: unknown[]) => (inputs.find((i) => typeof i === 'object' && i !== null && 'externalDependencies' in i) as { externalDependencies: string[] }).externalDependencies;
async function projects(): Promise<Record<string, ProjectConfiguration>> {
  const results = await createNodesV2[1](FILES, {}, context());
  return Object.fromEntries(results.map(([file, r]) => [file, Object.values(r.projects ?? {})[0] as ProjectConfiguration]));
}

describe('createNodesV2', () => {
  it('matches experiments/*/experiment.yaml', () => {
    expect(createNodesV2[0]).toBe('experiments/*/experiment.yaml');
  });

  it('makes one project exp-<name> per experiment file, with train -> infer -> submit, tags and description', async () => {
    const demo = (await projects())['experiments/demo/experiment.yaml'];
    expect(demo).toMatchObject({ name: 'exp-demo', root: 'experiments/demo', projectType: 'application' });
    expect(Object.keys(demo.targets!)).toEqual(['train', 'infer', 'submit']);
    expect(demo.targets!.submit.dependsOn).toEqual(['infer']);
    expect(demo.tags).toEqual(expect.arrayContaining(['autoexp', 'offline']));
    expect(demo.metadata?.description).toBeTruthy();
  });

  it("uses the workspace's named inputs: the trainer's training / prediction files, this package's inference / submission sources", async () => {
    const t = (await projects())['experiments/demo/experiment.yaml'].targets!;
    expect(t.train.inputs).toContainEqual({ input: 'trainerTraining', projects: 'trainer' });
    expect(t.infer.inputs).toContainEqual({ input: 'trainerPrediction', projects: 'trainer' });
    expect(t.infer.inputs).toContainEqual({ input: 'inferenceCode', projects: PACKAGE_NAME });
    expect(t.submit.inputs).toContainEqual({ input: 'submissionCode', projects: PACKAGE_NAME });
    expect(JSON.stringify(t.train.inputs)).not.toMatch(/AllExternalDependencies|submissionCode|inferenceCode|trainerPrediction/);
  });

  it("a workspace that installs the package (no named inputs): the trainer's production files, and the package's npm version as its code", () => {
    const shared = stepInputs(root, {}, 'trainer');
    expect(shared.train[0]).toEqual({ input: 'production', projects: 'trainer' });
    for (const step of ['train', 'infer', 'submit'] as const) expect([step, externals(shared[step])[0]]).toEqual([step, PACKAGE_NAME]);
    expect(JSON.stringify(shared.submit)).not.toContain('submissionCode');
  });

  it('the external nodes are the npm copies this package loads', () => {
    const shared = stepInputs(REPO, NX_JSON, 'trainer');
    // The nested copy this package loads, not the hoisted one of the same name (here: yaml 1.x at the root, 2.x nested).
    const nested = JSON.parse(readFileSync(join(REPO, 'packages/nx-autoexp/node_modules/yaml/package.json'), 'utf8')).version;
    expect(externals(shared.train)).toContain(`npm:yaml@${nested}`);
    expect(externals(shared.train)).toContain('execa');
    expect(externals(shared.submit)).not.toContain('execa');
    expect(externals(shared.submit)).not.toContain(PACKAGE_NAME);
  });

  it('an invalid config still yields its project, tagged invalid-config with the tags it declares', async () => {
    const broken = (await projects())['experiments/broken/experiment.yaml'];
    expect(broken.name).toBe('exp-broken');
    expect(broken.tags).toEqual(['autoexp', 'invalid-config', 'nightly']);
    expect(Object.keys(broken.targets!)).toEqual(['train', 'infer', 'submit']);
  });

  it("adds each section's hash as an external node of the graph; an invalid config's nodes carry its error", async () => {
    const results = await createNodesV2[1](FILES, {}, context());
    const nodes = (file: string) => results.find(([f]) => f === file)![1].externalNodes!;
    const demo = nodes('experiments/demo/experiment.yaml');
    expect(Object.keys(demo)).toEqual(['autoexp-config:demo:train', 'autoexp-config:demo:infer', 'autoexp-config:demo:submit']);
    for (const n of Object.values(demo)) expect(n.data.hash).toMatch(/^[0-9a-f]{64}$/);
    const demoTargets = Object.values(results.find(([f]) => f === 'experiments/demo/experiment.yaml')![1].projects!)[0].targets!;
    expect(demoTargets.train.metadata?.configHash).toBe(demo['autoexp-config:demo:train'].data.hash);
    expect(nodes('experiments/broken/experiment.yaml')['autoexp-config:broken:train'].data.hash).toMatch(/^invalid:.*learning_rat/);
    // Fixing the config changes every section's node: all three targets re-run.
    cpSync(join(root, 'experiments', 'demo', 'experiment.yaml'), join(root, 'experiments', 'broken', 'experiment.yaml'));
    const fixed = (await createNodesV2[1](FILES, {}, context())).find(([f]) => f === 'experiments/broken/experiment.yaml')![1].externalNodes!;
    for (const n of Object.values(fixed)) expect(n.data.hash).not.toMatch(/invalid/);
    // Nothing on disk: the graph carries the hashes.
    expect(existsSync(join(root, '.nx'))).toBe(false);
  });

  it('an infer-only edit changes the infer node and nothing in what train or submit hash', async () => {
    const before = await createNodesV2[1](FILES, {}, context());
    writeFileSync(join(root, 'experiments', 'demo', 'experiment.yaml'), `${readFileSync(join(root, 'experiments', 'demo', 'experiment.yaml'), 'utf8')}\n# a comment\n`);
    const comment = await createNodesV2[1](FILES, {}, context());
    expect(comment[0][1].externalNodes).toEqual(before[0][1].externalNodes);
    writeFileSync(join(root, 'experiments', 'demo', 'experiment.yaml'), readFileSync(join(root, 'experiments', 'demo', 'experiment.yaml'), 'utf8').replace('num_beams: 2', 'num_beams: 7'));
    const after = await createNodesV2[1](FILES, {}, context());
    const hash = (r: typeof before, s: string) => r[0][1].externalNodes![`autoexp-config:demo:${s}`].data.hash;
    expect([hash(after, 'train'), hash(after, 'submit')]).toEqual([hash(before, 'train'), hash(before, 'submit')]);
    expect(hash(after, 'infer')).not.toBe(hash(before, 'infer'));
  });
});

describe('createDependencies', () => {
  it('edges from each experiment to the trainer, this package, config and the data project', async () => {
    const p = (name: string, r: string) => ({ name, root: r });
    const ctxProjects = {
      'exp-demo': p('exp-demo', 'experiments/demo'),
      trainer: p('trainer', 'packages/trainer'),
      [PACKAGE_NAME]: p(PACKAGE_NAME, 'packages/nx-autoexp'),
      config: p('config', 'config'),
      'data-sample': p('data-sample', 'data/sample'),
    };
    const deps = await createDependencies({}, { workspaceRoot: root, nxJsonConfiguration: NX_JSON, projects: ctxProjects, externalNodes: {}, fileMap: { projectFileMap: {}, nonProjectFiles: [] }, filesToProcess: { projectFileMap: {}, nonProjectFiles: [] } });
    expect(deps.filter((d) => d.source === 'exp-demo').map((d) => d.target).sort()).toEqual(['@autoexp/nx-autoexp', 'config', 'data-sample', 'trainer'].sort());
  });
});

describe('Nx seams', () => {
  it("the private Nx modules nx-runtime loads (to skip @nx/devkit's ~0.6 s index) still export what @nx/devkit does", () => {
    // If Nx moves them, this fails: update plugin/nx-runtime.ts (it falls back to @nx/devkit meanwhile).
    /* eslint-disable @typescript-eslint/no-require-imports */
    const devkit = require('@nx/devkit');
    expect(require('nx/src/project-graph/plugins/utils').createNodesFromFiles).toBe(devkit.createNodesFromFiles);
    expect(require('nx/src/config/project-graph').DependencyType).toBe(devkit.DependencyType);
  });

  it("STEP_PACKAGES lists exactly the npm packages each step's process imports", () => {
    const src = join(__dirname);
    const imports = (file: string): string[] => {
      const text = readFileSync(file, 'utf8');
      // Static imports and re-exports; `import type` loads nothing, `await import()` is another step's module.
      return [...text.matchAll(/^(?:import|export)\s+(?!type\b)[^;]*?\sfrom\s+'([^']+)'/gms), ...text.matchAll(/require\('([^']+)'\)/g)].map((m) => m[1]);
    };
    const closure = (entries: string[]): string[] => {
      const seen = new Set<string>();
      const npm = new Set<string>();
      const todo = [...entries];
      while (todo.length) {
        const f = todo.pop()!;
        if (seen.has(f)) continue;
        seen.add(f);
        for (const spec of imports(f)) {
          if (spec.startsWith('.')) {
            const base = join(dirname(f), spec);
            todo.push(existsSync(`${base}.ts`) ? `${base}.ts` : join(base, 'index.ts'));
          } else if (!spec.startsWith('node:')) {
            npm.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]);
          }
        }
      }
      return [...npm].sort();
    };
    for (const step of ['train', 'infer', 'submit'] as const) {
      const entries = [join(src, 'cli/main.ts'), join(src, 'cli/commands/step.ts'), join(src, `core/pipeline/${step}-step.ts`)];
      // infer-step loads an ensemble's own step on use.
      if (step === 'infer') entries.push(join(src, 'core/ensemble/ensemble-infer-step.ts'));
      expect([step, closure(entries)]).toEqual([step, STEP_PACKAGES[step]]);
    }
    expect(readdirSync(join(src, 'core/pipeline')).filter((f) => /-step\.ts$/.test(f) && !f.startsWith('run-')).sort()).toEqual(['infer-step.ts', 'submit-step.ts', 'train-step.ts']);
    expect(relative(REPO, src)).toBe('packages/nx-autoexp/src');
  });
});
