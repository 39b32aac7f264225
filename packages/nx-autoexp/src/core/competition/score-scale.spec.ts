import { formatX100, parseLeaderboardScore } from './score-scale';

describe('parseLeaderboardScore', () => {
  it('reads the leaderboard scale (x100) and fractions, stores a fraction without float noise', () => {
    expect(parseLeaderboardScore('46.85', 'public score')).toEqual({ fraction: 0.4685, scale: 'x100' });
    expect(parseLeaderboardScore('0.4685', 'public score')).toEqual({ fraction: 0.4685, scale: 'fraction' });
    expect(parseLeaderboardScore('100', 'public score')).toEqual({ fraction: 1, scale: 'x100' });
    expect(parseLeaderboardScore('1', 'public score')).toEqual({ fraction: 1, scale: 'fraction' });
    expect(formatX100(parseLeaderboardScore('47.12', 'x').fraction)).toBe('47.12');
  });

  it('a forced scale reads a broken file\'s tiny x100 score as x100', () => {
    expect(parseLeaderboardScore('0.9', 'public score', 'x100')).toEqual({ fraction: 0.009, scale: 'x100' });
    expect(() => parseLeaderboardScore('46.85', 'public score', 'fraction')).toThrow(/above 1, the top of the fraction scale/);
  });

  it('refuses what is no score, naming which one', () => {
    expect(() => parseLeaderboardScore('146.8', 'public score')).toThrow(/^public score 146.8 is above 100/);
    expect(() => parseLeaderboardScore('-3', 'private score')).toThrow(/^private score '-3' is not a number/);
    expect(() => parseLeaderboardScore('46,85', 'public score')).toThrow(/not a number: give it as the leaderboard shows it \(46\.85\)/);
    expect(() => parseLeaderboardScore('', 'public score')).toThrow(/not a number/);
  });
});
