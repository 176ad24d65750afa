import { describe, expect, it } from 'vitest';
import { welchTTest } from '../src/report/significance.js';

describe('welchTTest', () => {
  it('matches scipy.stats.ttest_ind(equal_var=False)', () => {
    // Wikipedia's first Welch example; scipy 1.x gives t -2.455356398286006,
    // df 24.988529290231416, p 0.021378001462866992.
    const a = [27.5, 21.0, 19.0, 23.6, 17.0, 17.9, 16.9, 20.1, 21.9, 22.6, 23.1, 19.6, 19.0, 21.7, 21.4];
    const b = [27.1, 22.0, 20.8, 23.4, 23.4, 23.5, 25.8, 22.0, 24.8, 20.2, 21.9, 22.1, 22.9, 20.5, 24.4];
    const r = welchTTest(a, b);
    expect(r.t).toBeCloseTo(-2.455356398286006, 10);
    expect(r.df).toBeCloseTo(24.988529290231416, 8);
    expect(r.pValue).toBeCloseTo(0.021378001462866992, 8);
    // Two seeds each: t -2.2360679775, df 1.4705882353, p 0.1987273889.
    const small = welchTTest([1, 2], [3, 5]);
    expect(small.df).toBeCloseTo(1.4705882352941178, 10);
    expect(small.pValue).toBeCloseTo(0.19872738893452602, 6);
  });

  it('is symmetric in its p-value', () => {
    expect(welchTTest([1, 2, 4], [3, 5, 9]).pValue).toBeCloseTo(welchTTest([3, 5, 9], [1, 2, 4]).pValue, 12);
  });

  it('zero variance: an exact difference is significant, no difference is not', () => {
    expect(welchTTest([5, 5, 5], [7, 7, 7]).pValue).toBe(0);
    expect(welchTTest([5, 5], [5, 5]).pValue).toBe(1);
  });

  it('has no p-value below two samples on a side', () => {
    expect(welchTTest([1], [2, 3]).pValue).toBeNaN();
    expect(welchTTest([], []).pValue).toBeNaN();
  });
});
