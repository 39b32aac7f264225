/**
 * Issue 7, config faults: each bad experiment.yaml fails its train target with
 * file, line/key and a fix, before anything trains, and leaves prediction/ as it was.
 */
import { join } from 'node:path';
import { addExperiment, expectFault, faultWorkspace, standInYaml, trainCmd } from './support';

describe('faults: config', () => {
  const { ws, before } = faultWorkspace('config');

  /** The case must fail before the trainer ran: no output folder. */
  const trainedNothing = (exp: string) => expect(ws.exists(`outputs/${exp}`)).toBe(false);

  it('YAML syntax error: file and line, fix the syntax', () => {
    addExperiment(ws, 'c-syntax', standInYaml().replace('  policy: best', '  policy: [best'));
    const r = ws.nx('run', 'exp-c-syntax:train');
    expectFault(ws, r, before, [/experiments\/c-syntax\/experiment\.yaml:\d+/, 'YAML syntax error', 'fix the YAML syntax']);
    trainedNothing('c-syntax');
  });

  it('unknown key: file, line, key and the closest allowed key', () => {
    addExperiment(ws, 'c-unknown', standInYaml().replace('train:\n', 'train:\n  learning_rat: 0.001\n'));
    const r = ws.nx('run', 'exp-c-unknown:train');
    expectFault(ws, r, before, [/experiments\/c-unknown\/experiment\.yaml:\d+ \(key: train\.learning_rat\)/, "unknown key 'learning_rat'", "Did you mean 'learning_rate'"]);
    trainedNothing('c-unknown');
  });

  it('wrong type: file, line, key and the expected type', () => {
    addExperiment(ws, 'c-type', standInYaml().replace('train:\n', 'train:\n  max_steps: many\n'));
    const r = ws.nx('run', 'exp-c-type:train');
    expectFault(ws, r, before, [/experiments\/c-type\/experiment\.yaml:\d+ \(key: train\.max_steps\)/, /wrong type: expected (integer|number)/]);
    trainedNothing('c-type');
  });

  it('missing required key (model.type): names the key and the schema', () => {
    addExperiment(ws, 'c-required', standInYaml().replace('  type: seq2seq\n', ''));
    const r = ws.nx('run', 'exp-c-required:train');
    expectFault(ws, r, before, ['experiments/c-required/experiment.yaml', "missing required key 'type'", 'experiment.schema.json']);
    trainedNothing('c-required');
  });

  it('extends cycle: names the chain and says to remove an extends line', () => {
    addExperiment(ws, 'c-cycle-a', `extends: ../c-cycle-b/experiment.yaml\n${standInYaml()}`);
    addExperiment(ws, 'c-cycle-b', `extends: ../c-cycle-a/experiment.yaml\n${standInYaml()}`);
    const r = ws.nx('run', 'exp-c-cycle-a:train');
    expectFault(ws, r, before, ["'extends' cycle", 'experiments/c-cycle-a/experiment.yaml -> experiments/c-cycle-b/experiment.yaml', 'remove one of the extends lines']);
    trainedNothing('c-cycle-a');
  });

  it('extends a file that does not exist: names the path', () => {
    addExperiment(ws, 'c-extends-missing', `extends: ../nope/experiment.yaml\n${standInYaml()}`);
    const r = ws.nx('run', 'exp-c-extends-missing:train');
    expectFault(ws, r, before, [/experiments\/c-extends-missing\/experiment\.yaml:1 \(key: extends\)/, 'does not exist: ../nope/experiment.yaml', 'relative to this file']);
    trainedNothing('c-extends-missing');
  });

  it('two experiments writing the same output_dir: refused before training, names both and the key', () => {
    addExperiment(ws, 'c-same-a', standInYaml().replace('train:\n', 'train:\n  output_dir: outputs/shared\n'));
    addExperiment(ws, 'c-same-b', standInYaml().replace('train:\n', 'train:\n  output_dir: outputs/shared\n'));
    const r = ws.nx('run', 'exp-c-same-a:train');
    expectFault(ws, r, before, ["'c-same-a' and 'c-same-b' both write checkpoints to outputs/shared", 'train.output_dir']);
    expect(ws.exists('outputs/shared')).toBe(false);
  });

  it('train.command with an unknown placeholder ({rundir}): names the key, file, placeholder and the known ones, no stack trace', () => {
    addExperiment(ws, 'c-placeholder', standInYaml({ train: `node ${join(__dirname, 'stand-ins', 'fake-train.js')} complete {rundir}` }));
    const r = ws.nx('run', 'exp-c-placeholder:train');
    expectFault(ws, r, before, ['train.command', 'experiments/c-placeholder/experiment.yaml', 'unknown placeholder {rundir}', '{run_dir}']);
    trainedNothing('c-placeholder');
  });

  it('an infer strategy command without {output}: names the strategy and the placeholder, before any attempt', () => {
    addExperiment(ws, 'c-no-output', standInYaml({ infer: `infer:\n  strategies:\n    - name: noout\n      command: "node -e 1 {input}"\n` }));
    const r = ws.nx('run', 'exp-c-no-output:infer');
    expectFault(ws, r, before, ['strategy "noout"', 'no {output} placeholder']);
    expect(r.out).not.toMatch(/noout\/(dev|test): start/);
  });

  it('experiment folder name with spaces: refused with the allowed characters', () => {
    addExperiment(ws, 'my exp', standInYaml({ train: trainCmd('complete') }));
    const r = ws.nx('run', 'exp-my exp:train');
    expectFault(ws, r, before, ["invalid experiment folder name 'my exp'", 'no spaces']);
    trainedNothing('my exp');
  });

  it("experiment folder name with '..': refused with the allowed characters", () => {
    addExperiment(ws, 'a..b', standInYaml({ train: trainCmd('complete') }));
    const r = ws.nx('run', 'exp-a..b:train');
    expectFault(ws, r, before, ["invalid experiment folder name 'a..b'", 'no ".."']);
    trainedNothing('a..b');
  });
});
