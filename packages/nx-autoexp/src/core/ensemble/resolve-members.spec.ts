import { CatalogEntry, MemberSpecError, findEnsembleCycle, resolveMemberSpecs } from './resolve-members';

const catalog = (...entries: Partial<CatalogEntry>[]): Map<string, CatalogEntry> =>
  new Map(entries.map((e) => [e.project as string, { experiment: (e.project as string).replace(/^exp-/, ''), tags: [], ...e } as CatalogEntry]));

const cat = catalog({ project: 'exp-a' }, { project: 'exp-b', tags: ['sweep:lr'] }, { project: 'exp-c', tags: ['sweep:lr'] }, { project: 'exp-ens' });
const errorOf = (fn: () => unknown): MemberSpecError => {
  try {
    fn();
  } catch (err) {
    if (err instanceof MemberSpecError) return err;
    throw err;
  }
  throw new Error('expected a MemberSpecError');
};

describe('resolveMemberSpecs', () => {
  it('names projects, bare experiment names and tags, in the order written, each once', () => {
    const got = resolveMemberSpecs('exp-ens', ['exp-c', 'a', 'tag:sweep:lr'], cat);
    expect(got.map((m) => [m.project, m.specIndex])).toEqual([['exp-c', 0], ['exp-a', 1], ['exp-b', 2]]);
    expect(got[1].experiment).toBe('a');
  });

  it('refuses a project that does not exist, with the closest name and its position', () => {
    const e = errorOf(() => resolveMemberSpecs('exp-ens', ['exp-a', 'exp-bb'], cat));
    expect(e.index).toBe(1);
    expect(e.problem).toBe("member 'exp-bb' is not a project of this workspace; did you mean 'exp-b'?");
  });

  it('refuses a tag no project has', () => {
    const e = errorOf(() => resolveMemberSpecs('exp-ens', ['exp-a', 'tag:sweep:nope'], cat));
    expect([e.index, e.problem]).toEqual([1, "no project has the tag 'sweep:nope'"]);
  });

  it('refuses the ensemble itself, named or through one of its own tags', () => {
    expect(errorOf(() => resolveMemberSpecs('exp-ens', ['exp-a', 'exp-b', 'ens'], cat)).index).toBe(2);
    const tagged = catalog({ project: 'exp-a', tags: ['x'] }, { project: 'exp-b', tags: ['x'] }, { project: 'exp-ens', tags: ['x'] });
    const e = errorOf(() => resolveMemberSpecs('exp-ens', ['tag:x'], tagged));
    expect(e.problem).toBe('the ensemble exp-ens lists itself as a member (through tag:x)');
  });

  it('needs at least two distinct members', () => {
    expect(errorOf(() => resolveMemberSpecs('exp-ens', ['exp-a', 'a'], cat)).problem).toBe('an ensemble needs at least 2 members, got 1 (exp-a)');
    const e = errorOf(() => resolveMemberSpecs('exp-ens', [], cat));
    expect([e.index, e.problem]).toEqual([null, 'an ensemble needs at least 2 members, got 0']);
  });
});

describe('findEnsembleCycle', () => {
  const graph = (edges: Record<string, string[]>) => (p: string) => edges[p] ?? [];

  it('finds a cycle through the start, as the path back to it', () => {
    expect(findEnsembleCycle('exp-x', graph({ 'exp-x': ['exp-a', 'exp-y'], 'exp-y': ['exp-b', 'exp-z'], 'exp-z': ['exp-x'] }))).toEqual(['exp-x', 'exp-y', 'exp-z', 'exp-x']);
    expect(findEnsembleCycle('exp-x', graph({ 'exp-x': ['exp-x'] }))).toEqual(['exp-x', 'exp-x']);
  });

  it('ignores shared members and cycles that do not pass through the start', () => {
    expect(findEnsembleCycle('exp-x', graph({ 'exp-x': ['exp-y', 'exp-z'], 'exp-y': ['exp-a'], 'exp-z': ['exp-a', 'exp-y'] }))).toBeNull();
    expect(findEnsembleCycle('exp-x', graph({ 'exp-x': ['exp-y'], 'exp-y': ['exp-z'], 'exp-z': ['exp-y'] }))).toBeNull();
  });
});
