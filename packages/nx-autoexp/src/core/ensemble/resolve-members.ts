import { projectOf } from '../naming/experiment-names';
import { closest } from '../config/schema';

/** One project an ensemble member spec can name. */
export interface CatalogEntry {
  /** Nx project name, e.g. exp-a. */
  project: string;
  /** What `autoexp step --experiment` and runPaths take (the folder name for a plain experiment). */
  experiment: string;
  tags: string[];
  /** The member specs as written, when this project is an ensemble itself. */
  ensembleMembers?: string[];
}

/** A member spec that cannot be used; `index` is its position in ensemble.members (null: the list as a whole). */
export class MemberSpecError extends Error {
  constructor(
    public readonly index: number | null,
    public readonly problem: string,
    public readonly hint: string,
  ) {
    super(problem);
    this.name = 'MemberSpecError';
  }
}

export const TAG_PREFIX = 'tag:';

/** A member project and the position of the spec in ensemble.members that selected it. */
export type ResolvedMember = CatalogEntry & { specIndex: number };

/**
 * The projects an ensemble's member specs name, in the order written, each
 * once: `exp-a` (or the bare experiment name `a`), or `tag:<tag>` for every
 * project with that tag (catalog order). Throws MemberSpecError for a name
 * that is no project, a tag no project has, the ensemble itself, or fewer
 * than 2 members in the end.
 */
export function resolveMemberSpecs(self: string, specs: string[], catalog: Map<string, CatalogEntry>): ResolvedMember[] {
  const out: ResolvedMember[] = [];
  const seen = new Set<string>();
  const add = (e: CatalogEntry, index: number, via: string) => {
    if (e.project === self) {
      throw new MemberSpecError(index, `the ensemble ${self} lists itself as a member${via}`, via ? `remove the tag from ${self}'s tags or name the members one by one` : `remove '${specs[index]}' from ensemble.members`);
    }
    if (!seen.has(e.project)) out.push({ ...e, specIndex: index });
    seen.add(e.project);
  };
  specs.forEach((spec, index) => {
    if (spec.startsWith(TAG_PREFIX)) {
      const tag = spec.slice(TAG_PREFIX.length);
      const tagged = [...catalog.values()].filter((e) => e.tags.includes(tag));
      if (tagged.length === 0) {
        throw new MemberSpecError(index, `no project has the tag '${tag}'`, `check the tag (\`npx nx show projects --projects=${spec}\` lists the projects it selects)`);
      }
      for (const e of tagged) add(e, index, ` (through ${spec})`);
      return;
    }
    const e = catalog.get(spec) ?? catalog.get(projectOf(spec));
    if (!e) {
      const near = closest(spec, [...catalog.keys()]);
      throw new MemberSpecError(index, `member '${spec}' is not a project of this workspace${near ? `; did you mean '${near}'?` : ''}`, 'name an experiment project (exp-<folder under experiments/>, `npx nx show projects` lists them) or tag:<tag>');
    }
    add(e, index, '');
  });
  if (out.length < 2) {
    throw new MemberSpecError(null, `an ensemble needs at least 2 members, got ${out.length}${out.length ? ` (${out.map((e) => e.project).join(', ')})` : ''}`, 'list two or more experiments (or a tag that selects them) in ensemble.members');
  }
  return out;
}

/**
 * The first cycle of ensemble membership through `start`, as the list of
 * projects start -> ... -> start, or null. `membersOf` gives a project's
 * resolved members (empty for a plain experiment or one that does not resolve).
 */
export function findEnsembleCycle(start: string, membersOf: (project: string) => string[]): string[] | null {
  const done = new Set<string>();
  const path: string[] = [start];
  const visit = (project: string): string[] | null => {
    for (const m of membersOf(project)) {
      if (m === start) return [...path, m];
      if (done.has(m) || path.includes(m)) continue;
      path.push(m);
      const found = visit(m);
      if (found) return found;
      path.pop();
      done.add(m);
    }
    return null;
  };
  return visit(start);
}
