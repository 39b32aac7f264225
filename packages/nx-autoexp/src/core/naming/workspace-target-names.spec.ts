import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findSubmission } from '../competition/find-submission';
import { PLUGIN_PACKAGE, targetNamesOfNxJson, workspaceTargetNames } from './workspace-target-names';

const DEFAULTS = { train: 'train', infer: 'infer', submit: 'submit' };
const RENAMED = { trainTargetName: 'fit', inferTargetName: 'predict', submitTargetName: 'upload' };

describe('target names from nx.json', () => {
  it("are the plugin entry's options, the defaults for those it leaves out", () => {
    expect(targetNamesOfNxJson({ plugins: ['@nx/js', { plugin: PLUGIN_PACKAGE, options: RENAMED }] })).toEqual({ train: 'fit', infer: 'predict', submit: 'upload' });
    expect(targetNamesOfNxJson({ plugins: [{ plugin: PLUGIN_PACKAGE, options: { inferTargetName: 'predict' } }] })).toEqual({ ...DEFAULTS, infer: 'predict' });
  });

  it('are the defaults without an entry of the plugin, with a string entry, or with no plugins at all', () => {
    expect(targetNamesOfNxJson({ plugins: [{ plugin: '@nx/jest', options: RENAMED }] })).toEqual(DEFAULTS);
    expect(targetNamesOfNxJson({ plugins: [PLUGIN_PACKAGE] })).toEqual(DEFAULTS);
    expect(targetNamesOfNxJson({})).toEqual(DEFAULTS);
    expect(targetNamesOfNxJson(null)).toEqual(DEFAULTS);
  });

  describe('of a workspace on disk', () => {
    let root: string;
    beforeEach(() => {
      root = mkdtempSync(join(tmpdir(), 'autoexp-target-names-'));
    });
    afterEach(() => rmSync(root, { recursive: true, force: true }));

    it('reads its nx.json; an absent or broken one gives the defaults', () => {
      expect(workspaceTargetNames(root)).toEqual(DEFAULTS);
      writeFileSync(join(root, 'nx.json'), '{ not json');
      expect(workspaceTargetNames(root)).toEqual(DEFAULTS);
      writeFileSync(join(root, 'nx.json'), JSON.stringify({ plugins: [{ plugin: PLUGIN_PACKAGE, options: RENAMED }] }));
      expect(workspaceTargetNames(root)).toEqual({ train: 'fit', infer: 'predict', submit: 'upload' });
    });

    it('name the real target in the hints of commands run outside Nx (lb record on an empty index)', () => {
      writeFileSync(join(root, 'nx.json'), JSON.stringify({ plugins: [{ plugin: PLUGIN_PACKAGE, options: RENAMED }] }));
      expect(() => findSubmission([], 'x', workspaceTargetNames(root))).toThrow('run `npx nx run exp-<name>:upload` first.');
      expect(() => findSubmission([], 'x')).toThrow('run `npx nx run exp-<name>:submit` first.');
    });
  });
});
