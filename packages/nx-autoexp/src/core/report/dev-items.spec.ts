import { allTopics, devReferences, parseItemScores, topicMeans, worstItems } from './dev-items';
import type { ItemScore } from './types';

const item = (fname: string, score: number): ItemScore => ({ fname, score, rouge1: score / 2, rouge2: score / 4, rougeL: score / 4 });

describe('devReferences', () => {
  it('keys rows by fname, joins summary1..N in numeric order and names a missing topic', () => {
    const refs = devReferences([
      { fname: 'a', dialogue: '대화', summary: '요약', topic: ' 날씨 ' },
      { fname: 'b', dialogue: 'd', summary10: 'ten', summary2: 'two', summary1: 'one', topic: '' },
    ]);
    expect(refs.get('a')).toEqual({ dialogue: '대화', reference: '요약', topic: '날씨' });
    expect(refs.get('b')).toEqual({ dialogue: 'd', reference: 'one\ntwo\nten', topic: '(no topic)' });
  });
});

describe('parseItemScores', () => {
  it('reads the numbers and names the item with a bad one', () => {
    expect(parseItemScores([{ fname: 'x', rouge1: '0.5', rouge2: '0.25', rougeL: '0.5', score: '1.25' }], 'f.csv')).toEqual([
      { fname: 'x', rouge1: 0.5, rouge2: 0.25, rougeL: 0.5, score: 1.25 },
    ]);
    expect(() => parseItemScores([{ fname: 'y', rouge1: '0.5', rouge2: '', rougeL: '0.5', score: '1' }], 'f.csv')).toThrow("f.csv: item 'y' has no numeric rouge2 ('')");
  });
});

describe('topicMeans', () => {
  it('averages each score per topic, most items first', () => {
    const refs = devReferences([
      { fname: 'a', dialogue: '', summary: '', topic: '쇼핑' },
      { fname: 'b', dialogue: '', summary: '', topic: '날씨' },
      { fname: 'c', dialogue: '', summary: '', topic: '날씨' },
    ]);
    const means = topicMeans([item('a', 1.2), item('b', 0.6), item('c', 1.8), item('zz', 3)], refs);
    expect(means.map((t) => [t.topic, t.n])).toEqual([
      ['날씨', 2],
      ['(no topic)', 1],
      ['쇼핑', 1],
    ]);
    expect(means[0].score).toBeCloseTo(1.2);
    expect(means[0].rouge1).toBeCloseTo(0.6);
    expect(means[0].rouge2).toBeCloseTo(0.3);
  });

  it('orders topics over experiments by their item count', () => {
    const t = (topic: string, n: number) => ({ topic, n, score: 0, rouge1: 0, rouge2: 0, rougeL: 0 });
    expect(allTopics([[t('b', 2), t('a', 2)], [t('c', 5), t('a', 1)]])).toEqual(['c', 'a', 'b']);
  });
});

describe('worstItems', () => {
  it('picks the lowest scores, ties by fname, with dialogue, reference and prediction', () => {
    const items = Array.from({ length: 30 }, (_, i) => item(`dev_${i}`, (i % 10) / 10));
    const refs = devReferences(items.map((it) => ({ fname: it.fname, dialogue: `대화 ${it.fname}`, summary: `참조 ${it.fname}`, topic: 't' })));
    const preds = new Map(items.map((it) => [it.fname, `예측 ${it.fname}`]));
    const worst = worstItems(items, refs, preds, 20);
    expect(worst).toHaveLength(20);
    expect(worst.slice(0, 4).map((w) => w.fname)).toEqual(['dev_0', 'dev_10', 'dev_20', 'dev_1']);
    expect(worst.every((w, i) => i === 0 || worst[i - 1].score <= w.score)).toBe(true);
    expect(Math.max(...worst.map((w) => w.score))).toBeCloseTo(0.6);
    expect(worst[0]).toMatchObject({ dialogue: '대화 dev_0', reference: '참조 dev_0', prediction: '예측 dev_0', topic: 't' });
  });

  it('returns all items when there are fewer than asked', () => {
    expect(worstItems([item('a', 1), item('b', 0)], new Map(), new Map(), 20).map((w) => w.fname)).toEqual(['b', 'a']);
  });
});
