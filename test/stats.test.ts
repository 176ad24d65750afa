import { describe, expect, it } from 'vitest';
import { confidenceInterval95, mean, normalQuantile, percentile, regularizedIncompleteBeta, sampleStdDev, studentTCdf, studentTQuantile, summarize } from '../src/metrics/stats.js';

describe('mean / std', () => {
  it('computes the mean, NaN when empty', () => {
    expect(mean([1, 2, 3, 4])).toBe(2.5);
    expect(mean([])).toBeNaN();
  });
  it('identical samples give that value and zero spread exactly', () => {
    expect(mean([482.3, 482.3, 482.3])).toBe(482.3);
    expect(sampleStdDev([482.3, 482.3, 482.3])).toBe(0);
  });
  it('sample standard deviation uses n - 1', () => {
    expect(sampleStdDev([2, 4, 4, 4, 5, 5, 7, 9])).toBeCloseTo(2.138089935, 8);
    expect(sampleStdDev([3])).toBeNaN();
  });
});

describe('percentile (numpy linear)', () => {
  // Values from numpy.percentile(a, p) with the default method.
  const cases: Array<[number[], number, number]> = [
    [[1, 2, 3, 4], 50, 2.5],
    [[1, 2, 3, 4], 25, 1.75],
    [[1, 2, 3, 4], 90, 3.7],
    [[10, 7, 4, 3, 2, 1], 50, 3.5],
    [[10, 7, 4, 3, 2, 1], 90, 8.5],
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 99, 9.91],
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90, 9.1],
    [[15, 20, 35, 40, 50], 40, 29],
    [[15, 20, 35, 40, 50], 0, 15],
    [[15, 20, 35, 40, 50], 100, 50],
    [[42], 99, 42],
  ];
  it.each(cases)('percentile(%j, %d) = %d', (a, p, want) => {
    expect(percentile(a, p)).toBeCloseTo(want, 12);
  });
  it('does not mutate its input and sorts numerically', () => {
    const a = [10, 9, 100, 1];
    expect(percentile(a, 100)).toBe(100);
    expect(a).toEqual([10, 9, 100, 1]);
  });
  it('rejects p outside [0, 100] and is NaN when empty', () => {
    expect(() => percentile([1], 101)).toThrow(RangeError);
    expect(percentile([], 50)).toBeNaN();
  });
});

describe('summarize', () => {
  it('is all zeros for no samples', () => {
    expect(summarize([])).toEqual({ count: 0, mean: 0, p50: 0, p90: 0, p99: 0, max: 0 });
  });
  it('summarizes 1..100', () => {
    const xs = Array.from({ length: 100 }, (_, i) => 100 - i);
    const d = summarize(xs);
    expect(d.count).toBe(100);
    expect(d.mean).toBeCloseTo(50.5, 12);
    expect(d.p50).toBeCloseTo(50.5, 12);
    expect(d.p90).toBeCloseTo(90.1, 12);
    expect(d.p99).toBeCloseTo(99.01, 12);
    expect(d.max).toBe(100);
  });
});

describe("Student's t", () => {
  // Two-sided 95% critical values t_{0.975, df} (standard tables / scipy).
  const t975: Array<[number, number]> = [
    [1, 12.706204736],
    [2, 4.30265273],
    [3, 3.182446305],
    [4, 2.776445105],
    [5, 2.570581836],
    [9, 2.262157163],
    [10, 2.228138852],
    [20, 2.085963447],
    [29, 2.045229642],
    [30, 2.042272456],
    [31, 2.039513446],
    [60, 2.000297822],
    [120, 1.979930405],
    [1000, 1.962339081],
  ];
  it.each(t975)('t_{0.975,%d}', (df, want) => {
    expect(studentTQuantile(0.975, df)).toBeCloseTo(want, 8);
  });
  it('matches the rounded table values the reports rely on', () => {
    expect(studentTQuantile(0.975, 9).toFixed(3)).toBe('2.262');
    expect(studentTQuantile(0.975, 1).toFixed(3)).toBe('12.706');
    expect(studentTQuantile(0.975, 30).toFixed(3)).toBe('2.042');
  });
  it('other quantiles, symmetry, fractional df and the normal limit', () => {
    expect(studentTQuantile(0.995, 5)).toBeCloseTo(4.032142984, 8);
    expect(studentTQuantile(0.95, 7)).toBeCloseTo(1.894578605, 8);
    expect(studentTQuantile(0.025, 9)).toBeCloseTo(-2.262157163, 8);
    expect(studentTQuantile(0.5, 4)).toBe(0);
    expect(studentTQuantile(0.975, 9.5)).toBeCloseTo(2.244137461, 8);
    expect(studentTQuantile(0.975, 1e6)).toBeCloseTo(1.959966, 5);
    expect(studentTQuantile(0.975, Infinity)).toBeCloseTo(1.959963985, 8);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963985, 8);
  });
  it('quantile inverts the CDF', () => {
    for (const df of [1, 2, 3, 7, 15, 42, 300]) {
      for (const p of [0.6, 0.9, 0.975, 0.999]) expect(studentTCdf(studentTQuantile(p, df), df)).toBeCloseTo(p, 10);
    }
  });
  it('incomplete beta matches closed forms', () => {
    // I_x(1, 1) = x;  I_x(a, 1) = x^a.
    expect(regularizedIncompleteBeta(0.3, 1, 1)).toBeCloseTo(0.3, 12);
    expect(regularizedIncompleteBeta(0.6, 3, 1)).toBeCloseTo(0.216, 12);
  });
  it('rejects bad arguments', () => {
    expect(() => studentTQuantile(0.975, 0)).toThrow(RangeError);
    expect(() => studentTQuantile(1.5, 3)).toThrow(RangeError);
  });
});

describe('confidenceInterval95', () => {
  it('uses t with n - 1 df', () => {
    const xs = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    const ci = confidenceInterval95(xs);
    const half = (2.262157163 * Math.sqrt(55 / 6)) / Math.sqrt(10);
    expect(ci.n).toBe(10);
    expect(ci.mean).toBe(5.5);
    expect(ci.halfWidth).toBeCloseTo(half, 8);
    expect(ci.lo).toBeCloseTo(5.5 - half, 8);
    expect(ci.hi).toBeCloseTo(5.5 + half, 8);
  });
  it('two samples use df 1', () => {
    const ci = confidenceInterval95([0, 2]);
    expect(ci.halfWidth).toBeCloseTo((12.706204736 * Math.SQRT2) / Math.SQRT2, 7);
  });
  it('n = 1: degenerate interval, half-width NaN', () => {
    expect(confidenceInterval95([7])).toEqual({ mean: 7, lo: 7, hi: 7, n: 1, halfWidth: NaN });
  });
  it('n = 0: all NaN', () => {
    const ci = confidenceInterval95([]);
    expect(ci.n).toBe(0);
    expect(ci.mean).toBeNaN();
    expect(ci.halfWidth).toBeNaN();
  });
});
