import { checkDegenerate, formatFindings, hasRunawayRepetition } from './degenerate-check';

const rows = (summaries: string[]) => summaries.map((summary, i) => ({ fname: `test_${i}`, summary }));
const distinct = (n: number) => Array.from({ length: n }, (_, i) => `#Person1#은 ${i}번 가게에서 물건 ${i * 7}개를 산다.`);
const checks = (f: ReturnType<typeof checkDegenerate>) => f.map((x) => [x.check, x.refuse]);

describe('checkDegenerate', () => {
  it('finds nothing in distinct, ordinary summaries', () => {
    expect(checkDegenerate({ rows: rows(distinct(20)), trainSummaryLengths: distinct(20).map((s) => s.length) })).toEqual([]);
  });

  it('refuses at 90% one summary, warns below, and names the share, two fnames and the causes', () => {
    const nine = checkDegenerate({ rows: rows([...Array(9).fill('같은 요약'), '다른 요약']) });
    expect(checks(nine)).toEqual([['identical', true]]);
    expect(nine[0]).toMatchObject({ count: 9, total: 10, share: 0.9, examples: ['test_0', 'test_1'] });
    expect(nine[0].message).toMatch(/identical summaries\): 90\.0% of rows \(9 of 10\) are the same summary "같은 요약" \(e\.g\. test_0, test_1\)\. Usually: too few training steps/);
    expect(nine[0].message).toMatch(/no <\/s> in the labels/);
    const some = checkDegenerate({ rows: rows([...Array(4).fill('같은 요약'), ...distinct(6)]) });
    expect(checks(some)).toEqual([['identical', false]]);
    expect(checkDegenerate({ rows: rows([...Array(2).fill('같은 요약'), ...distinct(8)]) })).toEqual([]); // 20%: below the warning
  });

  it('refuses empty or whitespace-only summaries at 90%, warns on a few', () => {
    expect(checks(checkDegenerate({ rows: rows(['', ' ', '\n', '', '', '', '', '', '', 'x']) }))).toEqual([['empty', true]]);
    expect(checks(checkDegenerate({ rows: rows(['', ...distinct(9)]) }))).toEqual([['empty', false]]);
  });

  it('warns on copies of the dialogue or one turn, with or without the speaker tag', () => {
    const dialogue = '#Person1#: 안녕하세요, 예약하고 싶어요.\n#Person2#: 몇 분이세요?';
    const dialogues = new Map([0, 1, 2, 3].map((i) => [`test_${i}`, dialogue]));
    const f = checkDegenerate({ rows: rows([dialogue.replace('\n', ' '), '몇 분이세요?', '#Person1#: 안녕하세요, 예약하고 싶어요.', '#Person2#가 인원을 묻는다.']), dialogues });
    expect(f.map((x) => [x.check, x.count, x.examples])).toEqual([['copy', 3, ['test_0', 'test_1']]]);
    expect(f[0].message).toMatch(/copy the dialogue or one of its turns/);
  });

  it("warns on lengths far outside the train summaries' range", () => {
    const train = Array.from({ length: 50 }, (_, i) => 30 + i);
    const f = checkDegenerate({ rows: rows(['짧다', '짧음', ...distinct(6)]), trainSummaryLengths: train });
    expect(f.map((x) => [x.check, x.examples])).toEqual([['length', ['test_0', 'test_1']]]);
    expect(f[0].message).toMatch(/train summaries are 30-79 characters/);
    expect(checkDegenerate({ rows: rows(['짧다', ...distinct(6)]) })).toEqual([]); // no train lengths: no length check
  });

  it('warns on runaway repetition', () => {
    expect(hasRunawayRepetition('#Person1#은 표를 산다 #Person1#은 표를 산다 #Person1#은 표를 산다')).toBe(true);
    expect(hasRunawayRepetition('네 네 네 네')).toBe(true);
    expect(hasRunawayRepetition('#Person1#은 표를 사고 #Person2#는 표를 판다.')).toBe(false);
    const f = checkDegenerate({ rows: rows(['그 그 그 그 그', ...distinct(5)]) });
    expect(checks(f)).toEqual([['repetition', false]]);
  });

  it('formats findings for the index warnings column, refused ones first', () => {
    const f = checkDegenerate({ rows: rows(Array(10).fill('요 요 요 요')) });
    expect(formatFindings(f)).toBe('identical 100.0% (refused: allowed by allow_degenerate); repetition 100.0%');
    expect(formatFindings([])).toBe('');
  });
});
