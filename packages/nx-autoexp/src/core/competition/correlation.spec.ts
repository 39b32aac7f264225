import { pearson } from './correlation';
import { sweepGroupOf } from './sweep-group';

describe('pearson', () => {
  it('is 1 / -1 on a line, whatever its scale, and the textbook value otherwise', () => {
    expect(pearson([1, 2, 3, 4], [10, 20, 30, 40])).toBeCloseTo(1, 12);
    expect(pearson([0.41, 0.45, 0.47], [47.1, 45.0, 44.2])).toBeLessThan(-0.99);
    // x = 1..5, y = 2,4,5,4,5: r = 6 / sqrt(10 * 6) = 0.7746
    expect(pearson([1, 2, 3, 4, 5], [2, 4, 5, 4, 5])).toBeCloseTo(0.774597, 5);
  });

  it('is null when it means nothing: under 3 points, or a constant side', () => {
    expect(pearson([1, 2], [3, 4])).toBeNull();
    expect(pearson([1, 1, 1], [3, 4, 5])).toBeNull();
  });
});

it('sweepGroupOf: the project name before "--"', () => {
  expect(sweepGroupOf('exp-kobart--lr1e-5')).toBe('exp-kobart');
  expect(sweepGroupOf('exp-kobart')).toBeNull();
});
