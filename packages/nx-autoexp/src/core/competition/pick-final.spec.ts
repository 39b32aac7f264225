import { tempWorkspace } from '../../../tests/support/temp-workspace';
import { PickCandidate, pickFinal } from './pick-final';
import { PredictionOverlap } from './prediction-overlap';

const ITEMS = 20;
/** Writes prediction/<id>/output.csv whose first `sameAs` summaries equal the base file's. */
function workspaceWith(files: Record<string, number>): string {
  const csv = (id: string, sameAs: number) =>
    ['fname,summary', ...Array.from({ length: ITEMS }, (_, i) => `test_${i},${i < sameAs ? `요약 ${i}` : `${id}의 요약 ${i}`}`)].join('\n') + '\n';
  return tempWorkspace('autoexp-pick', Object.fromEntries(Object.entries(files).map(([id, sameAs]) => [`prediction/${id}/output.csv`, csv(id, sameAs)])));
}

const cand = (id: string, pub: number, dev: number | null, sha = `sha-${id}`): PickCandidate => ({
  id,
  experiment: id.split('_')[0],
  timestamp: id.split('_')[1],
  dev,
  public: pub,
  private: null,
  sha256: sha,
  outputPath: `prediction/${id}/output.csv`,
});

describe('pickFinal', () => {
  // base: the reference file; near (19/20 identical to base) has the best dev score; far shares 10/20.
  const root = workspaceWith({ 'exp-a_1': ITEMS, 'exp-near_2': 19, 'exp-far_3': 10, 'exp-copy_4': ITEMS });
  const overlap = new PredictionOverlap(root);
  const opts = (n: number) => ({ n, maxOverlap: 0.9, overlap: (a: PickCandidate, b: PickCandidate) => overlap.between(a.outputPath, b.outputPath) });
  const a = cand('exp-a_1', 0.47, 0.45);
  const near = cand('exp-near_2', 0.46, 0.49);
  const far = cand('exp-far_3', 0.44, 0.46);
  const copy = cand('exp-copy_4', 0.47, 0.45, 'sha-exp-a_1');

  it('best public first, then the best dev score that is not a near-duplicate of it, with reasons', () => {
    const r = pickFinal([far, near, a], opts(2));
    expect(r.picks.map((p) => p.candidate.id)).toEqual(['exp-a_1', 'exp-far_3']);
    expect(r.picks[0].reason).toBe('best public score (47.00) of 3 scored submissions');
    expect(r.picks[1].reason).toBe('best dev score (46.00) among the rest; 50% of its summaries identical to pick 1');
    expect(r.skipped).toEqual([{ candidate: near, reason: 'a near-duplicate of pick 1 (exp-a_1): 95% of 20 summaries identical (limit 90%)' }]);
    expect(r.shortfall).toBeNull();
  });

  it('a looser overlap limit lets the near-duplicate through: the limit decides, not the order', () => {
    const r = pickFinal([far, near, a], { ...opts(2), maxOverlap: 0.99 });
    expect(r.picks.map((p) => p.candidate.id)).toEqual(['exp-a_1', 'exp-near_2']);
  });

  it('the same file (sha256) is never a second pick; ties on public go to the better dev score', () => {
    const r = pickFinal([copy, a, far], opts(3));
    expect(r.picks[0].candidate.id).toBe('exp-a_1');
    expect(r.picks[0].reason).toMatch(/tied with exp-copy_4, the earlier upload$/);
    expect(r.skipped.map((s) => [s.candidate.id, s.reason])).toEqual([['exp-copy_4', 'the same file as pick 1 (exp-a_1): identical sha256']]);
    expect(r.picks.map((p) => p.candidate.id)).toEqual(['exp-a_1', 'exp-far_3']);
    expect(r.shortfall).toBe('the other scored submissions are the same as or near-duplicates of a pick');
  });

  it('says why when there is little to pick from', () => {
    expect(pickFinal([], opts(2))).toEqual({ picks: [], skipped: [], considered: 0, shortfall: 'no submission has a public score yet' });
    expect(pickFinal([a], opts(2)).shortfall).toBe('only 1 submission has a public score');
  });

  it('a file that is gone cannot be compared: picked, with that said', () => {
    const gone = { ...far, id: 'exp-gone_5', outputPath: 'prediction/exp-gone_5/output.csv' };
    const r = pickFinal([a, gone], opts(2));
    expect(r.picks[1].reason).toBe('best dev score (46.00) among the rest; could not compare with pick 1: prediction/exp-gone_5/output.csv is gone');
  });
});
