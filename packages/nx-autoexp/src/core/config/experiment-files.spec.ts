import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { experimentFile, experimentOfTypedIn } from './experiment-files';

describe('experimentOfTypedIn', () => {
  let root: string;
  const add = (name: string) => {
    mkdirSync(join(root, 'experiments', name), { recursive: true });
    writeFileSync(join(root, 'experiments', name, 'experiment.yaml'), 'model: {type: seq2seq}\n');
  };
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'autoexp-typed-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it("reads a project name as its experiment's when that has a file", () => {
    add('demo');
    expect(experimentOfTypedIn(root, 'exp-demo')).toBe('demo');
    expect(experimentOfTypedIn(root, 'demo')).toBe('demo');
  });

  it('a sweep variant by its project: the variant of the sweep file', () => {
    add('lr');
    expect(experimentFile(root, 'lr--a')).toBe(join(root, 'experiments', 'lr', 'experiment.yaml'));
    expect(experimentOfTypedIn(root, 'exp-lr--a')).toBe('lr--a');
  });

  it('keeps the name as typed when an experiment is named so, or when neither has a file', () => {
    add('demo');
    add('exp-demo');
    expect(experimentOfTypedIn(root, 'exp-demo')).toBe('exp-demo');
    expect(experimentOfTypedIn(root, 'exp-other')).toBe('exp-other');
    expect(experimentOfTypedIn(root, 'manual')).toBe('manual');
  });
});
