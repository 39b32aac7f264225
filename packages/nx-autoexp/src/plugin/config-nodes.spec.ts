import { CONFIG_NODE_TYPE, configInput, configNodeName, configNodes } from './config-nodes';

describe('config nodes', () => {
  it('one external node per section, named for the experiment and section, its hash the section hash', () => {
    const nodes = configNodes('demo', { train: 't1', infer: 'i1', submit: 's1' });
    expect(Object.keys(nodes)).toEqual(['autoexp-config:demo:train', 'autoexp-config:demo:infer', 'autoexp-config:demo:submit']);
    expect(nodes['autoexp-config:demo:infer']).toEqual({ type: CONFIG_NODE_TYPE, name: 'autoexp-config:demo:infer', data: { version: '0', packageName: 'autoexp-config:demo:infer', hash: 'i1' } });
    expect(CONFIG_NODE_TYPE).not.toBe('npm');
  });

  it('a new section hash changes only that node; the version stays (Nx would re-analyse every file of the graph for a new one)', () => {
    const before = configNodes('demo', { train: 't1', infer: 'i1', submit: 's1' });
    const after = configNodes('demo', { train: 't1', infer: 'i2', submit: 's1' });
    const changed = Object.keys(before).filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]));
    expect(changed).toEqual(['autoexp-config:demo:infer']);
    expect(Object.values(after).map((n) => n.data.version)).toEqual(Object.values(before).map((n) => n.data.version));
  });

  it("a target's input names its own section's node only", () => {
    expect(configInput('sw--lr-1e-5', 'submit')).toEqual({ externalDependencies: [configNodeName('sw--lr-1e-5', 'submit')] });
    expect(configNodeName('sw--lr-1e-5', 'submit')).toBe('autoexp-config:sw--lr-1e-5:submit');
  });
});
