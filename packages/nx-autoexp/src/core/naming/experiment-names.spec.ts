import {
  experimentOfProject,
  experimentOfTyped,
  isExperimentName,
  jobNameOf,
  nxRunCommand,
  projectOf,
  runsFolderOf,
  submissionId,
  sweepGroupOf,
  sweepRunCommand,
  targetNameOptions,
  targetNamesOf,
  targetNamesOfSettings,
  taskOf,
  variantExperiment,
} from './experiment-names';

const RENAMED = { train: 'fit', infer: 'predict', submit: 'upload' };

describe('experiment names', () => {
  it('experiment <-> project round-trips; a project of no experiment is null', () => {
    expect(projectOf('demo')).toBe('exp-demo');
    expect(experimentOfProject('exp-demo')).toBe('demo');
    expect(experimentOfProject(projectOf('exp-x'))).toBe('exp-x');
    expect(experimentOfProject('trainer')).toBeNull();
    expect(experimentOfTyped('exp-demo')).toBe('demo');
    expect(experimentOfTyped('demo')).toBe('demo');
  });

  it('sweep variants: `<experiment>--<variant>`, grouped back by either name', () => {
    const v = variantExperiment('kobart', 'lr1e-5');
    expect(v).toBe('kobart--lr1e-5');
    expect(projectOf(v)).toBe('exp-kobart--lr1e-5');
    expect(sweepGroupOf(projectOf(v))).toBe('exp-kobart');
    expect(sweepGroupOf(v)).toBe('kobart');
    expect(sweepGroupOf('exp-kobart')).toBeNull();
  });

  it.each([
    ['kobart-lr3e-5', true],
    ['a.b_c', true],
    ['-x', false],
    ['a b', false],
    ['a/b', false],
    ['a..b', false],
    ['', false],
  ])('isExperimentName(%j) is %s', (name, ok) => expect(isExperimentName(name)).toBe(ok));

  it('runs/ folders by experiment name, smoke apart', () => {
    expect(runsFolderOf('demo').split('\\').join('/')).toBe('runs/demo');
    expect(runsFolderOf('demo', true).split('\\').join('/')).toBe('runs/demo/smoke');
  });

  it('nx commands name the configured targets and keep -c smoke', () => {
    expect(nxRunCommand('demo', 'train')).toBe('npx nx run exp-demo:train');
    expect(nxRunCommand('demo', 'infer', { smoke: true, extra: '--strategy=fast', targets: RENAMED })).toBe('npx nx run exp-demo:predict -c smoke --strategy=fast');
    expect(taskOf('demo', 'submit', RENAMED)).toBe('exp-demo:upload');
    expect(jobNameOf('demo', 'train')).toBe('exp-demo-train');
    expect(sweepRunCommand('lr')).toBe('npx nx run-many -t submit --projects=tag:sweep:lr');
    expect(sweepRunCommand('lr', RENAMED)).toBe('npx nx run-many -t upload --projects=tag:sweep:lr');
  });

  it('submission ids are <experiment>_<timestamp>, the folder under prediction/', () => {
    expect(submissionId('demo', '20261201T101500000Z')).toBe('demo_20261201T101500000Z');
    expect(submissionId('kobart--lr1e-5', '20261201T101500000Z-2')).toBe('kobart--lr1e-5_20261201T101500000Z-2');
  });

  it('plugin options rename targets one by one', () => {
    expect(targetNamesOfSettings(undefined)).toEqual({ train: 'train', infer: 'infer', submit: 'submit' });
    expect(targetNamesOfSettings({ submitTargetName: 'upload' })).toEqual({ train: 'train', infer: 'infer', submit: 'upload' });
  });

  it('target names travel as options only when renamed, and come back whole', () => {
    expect(targetNameOptions({ train: 'train', infer: 'infer', submit: 'submit' })).toEqual({});
    const o = targetNameOptions({ ...RENAMED, train: 'train' });
    expect(o).toEqual({ trainTarget: 'train', inferTarget: 'predict', submitTarget: 'upload' });
    expect(targetNamesOf(o)).toEqual({ ...RENAMED, train: 'train' });
    expect(targetNamesOf({})).toEqual({ train: 'train', infer: 'infer', submit: 'submit' });
  });
});
