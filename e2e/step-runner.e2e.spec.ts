/**
 * How targets run a step (issue 8): by default `nx:run-commands` running
 * `autoexp step`, with options and overrides forwarded as --key=value; with
 * the plugin option stepRunner: 'executor', the plugin's executors. Both must
 * give the same pipeline. Stand-in trainer and predictor: this is about the
 * wiring, not the model.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { readIndex } from '../packages/nx-autoexp/src/core/submission';
import { stepCommand } from '../packages/nx-autoexp/src/plugin/target-definitions';
import { Workspace, taskRan } from './workspace';
import { addExperiment, standInYaml, trainCmd } from './faults/support';

function showTargets(ws: Workspace, project: string): Record<string, { executor: string; options: Record<string, unknown>; configurations?: Record<string, Record<string, unknown>> }> {
  const r = ws.nx('show', 'project', project, '--json');
  expect(r.code).toBe(0);
  return JSON.parse(r.out.slice(r.out.indexOf('{'), r.out.lastIndexOf('}') + 1)).targets;
}

/** The same checks for either runner: full pipeline, smoke configuration, an override reaching the step. */
function expectPipelineWorks(ws: Workspace, exp: string): void {
  const r = ws.nx('run', `exp-${exp}:submit`);
  expect(r.out).toContain(`Successfully ran target submit for project exp-${exp}`);
  expect(r.code).toBe(0);
  for (const t of ['train', 'infer', 'submit']) expect(taskRan(r.out, `exp-${exp}:${t}`)).toBe(true);
  const rows = (smoke: string) => readIndex(ws.root).filter((row) => row.experiment === exp && row.project === `exp-${exp}` && row.status === 'ok' && row.smoke === smoke);
  expect(rows('false')).toHaveLength(1);

  const smoke = ws.nx('run', `exp-${exp}:submit`, '-c', 'smoke');
  expect(smoke.code).toBe(0);
  expect(smoke.out).toContain(`[exp-${exp} smoke]`);
  expect(ws.exists(`runs/${exp}/smoke/submit`)).toBe(true);
  expect(rows('true')).toHaveLength(1);

  // An override on the nx command line reaches the step: only the named strategy may run.
  const bad = ws.nx('run', `exp-${exp}:infer`, '--strategy=nope', '--skip-nx-cache');
  expect(bad.code).not.toBe(0);
  expect(bad.out).toMatch(/no inference strategy named 'nope'.*use one of: standin/s);
}

describe('step runner', () => {
  const ws = new Workspace('step-runner');
  afterAll(() => rmSync(ws.root, { recursive: true, force: true }));

  it('default: run-commands targets run `autoexp step <step>` with the experiment forwarded', () => {
    addExperiment(ws, 'cmd', standInYaml());
    const targets = showTargets(ws, 'exp-cmd');
    for (const t of ['train', 'infer', 'submit']) {
      expect(targets[t].executor).toBe('nx:run-commands');
      expect(targets[t].options).toMatchObject({ command: stepCommand(t as 'train'), experiment: 'cmd', runName: 'cmd', smoke: false });
      expect(targets[t].options.command).toMatch(new RegExp(`^exec autoexp step ${t} --args-stdin <<'AUTOEXP_NX_ARGS'\n\\{args\\}\nAUTOEXP_NX_ARGS$`));
      expect(targets[t].configurations?.smoke).toMatchObject({ smoke: true, runName: 'cmd/smoke' });
    }
    expectPipelineWorks(ws, 'cmd');
  });

  it("stepRunner: 'executor' switches every target to the plugin's executors, with the same behaviour", () => {
    ws.edit('nx.json', (t) => {
      const nx = JSON.parse(t);
      nx.plugins = nx.plugins.map((p: string | { plugin: string }) => ((typeof p === 'string' ? p : p.plugin) === '@autoexp/nx-autoexp' ? { plugin: '@autoexp/nx-autoexp', options: { stepRunner: 'executor' } } : p));
      return JSON.stringify(nx, null, 2);
    });
    addExperiment(ws, 'exe', standInYaml());
    const targets = showTargets(ws, 'exp-exe');
    for (const t of ['train', 'infer', 'submit']) {
      expect(targets[t].executor).toBe(`@autoexp/nx-autoexp:${t}`);
      expect(targets[t].options.command).toBeUndefined();
    }
    expectPipelineWorks(ws, 'exe');
  });

  it("the bin starts Node without NODE_EXTRA_CA_CERTS and gives it back to what the step runs", () => {
    // A bundle Node cannot load: a Node that reads it at start says so on stderr.
    const ca = { NODE_EXTRA_CA_CERTS: `${ws.root}/no-such-ca.pem` };
    const bin = join(ws.root, 'node_modules', '.bin', 'autoexp');
    expect(ws.run('node', [bin, '--help'], ca).out).toContain('Ignoring extra certs from');
    const help = ws.run(bin, ['--help'], ca);
    expect(help.out).toContain('usage: autoexp <command>');
    expect(help.out).not.toContain('Ignoring extra certs');
    // The trainer's environment is the user's: the variable as set, and no trace of the move.
    addExperiment(ws, 'ca', standInYaml({ train: `sh -c 'echo \\"$NODE_EXTRA_CA_CERTS|$AUTOEXP_NODE_EXTRA_CA_CERTS\\" > ca-seen.txt' && ${trainCmd('complete')}` }));
    const r = ws.run(bin, ['step', 'train', '--experiment', 'ca'], ca);
    expect(r.code).toBe(0);
    // Once: from the stand-in trainer (a Node that got the variable back), not from the step's own Node.
    expect(r.out.match(/Ignoring extra certs/g)).toHaveLength(1);
    expect(ws.read('ca-seen.txt').trim()).toBe(`${ca.NODE_EXTRA_CA_CERTS}|`);
  });

  it.each(['command', 'executor'])('renamed targets (stepRunner %s): the hints of the step name the real targets', (stepRunner) => {
    ws.edit('nx.json', (t) => {
      const nx = JSON.parse(t);
      const options = { stepRunner, trainTargetName: 'fit', inferTargetName: 'predict', submitTargetName: 'upload' };
      nx.plugins = nx.plugins.map((p: string | { plugin: string }) => ((typeof p === 'string' ? p : p.plugin) === '@autoexp/nx-autoexp' ? { plugin: '@autoexp/nx-autoexp', options } : p));
      return JSON.stringify(nx, null, 2);
    });
    const exp = `ren-${stepRunner}`;
    addExperiment(ws, exp, standInYaml());
    expect(Object.keys(showTargets(ws, `exp-${exp}`)).sort()).toEqual(['fit', 'predict', 'upload']);
    // infer alone, before any training: its hint must say how to train under the configured name.
    const r = ws.nx('run', `exp-${exp}:predict`, '--exclude-task-dependencies', '--skip-nx-cache');
    expect(r.code).not.toBe(0);
    expect(r.out).toContain(`no checkpoint manifest at runs/${exp}/train/checkpoint.json: train has not run`);
    expect(r.out).toContain(`run: npx nx run exp-${exp}:fit`);
    expect(r.out).not.toContain(`exp-${exp}:train`);
  });
});
