// Is a policy's mean different from the baseline's, beyond seed-to-seed
// noise? Welch's unequal-variances t-test, two-sided, at p < 0.05.
import { mean, sampleStdDev, studentTCdf } from '../metrics/stats.js';

/** Differences with p below this are marked significant. */
export const SIGNIFICANCE_LEVEL = 0.05;

export interface WelchTest {
  t: number;
  /** Welch-Satterthwaite degrees of freedom; NaN when both variances are 0. */
  df: number;
  /** Two-sided p-value; NaN when either sample has fewer than 2 values. */
  pValue: number;
}

export function welchTTest(a: readonly number[], b: readonly number[]): WelchTest {
  if (a.length < 2 || b.length < 2) return { t: NaN, df: NaN, pValue: NaN };
  const va = sampleStdDev(a) ** 2 / a.length;
  const vb = sampleStdDev(b) ** 2 / b.length;
  const diff = mean(a) - mean(b);
  if (va + vb === 0) {
    // Every seed gave the same value on both sides: the difference, if any,
    // is exact and not noise.
    return diff === 0 ? { t: 0, df: NaN, pValue: 1 } : { t: diff > 0 ? Infinity : -Infinity, df: NaN, pValue: 0 };
  }
  const t = diff / Math.sqrt(va + vb);
  const df = (va + vb) ** 2 / (va ** 2 / (a.length - 1) + vb ** 2 / (b.length - 1));
  return { t, df, pValue: 2 * studentTCdf(-Math.abs(t), df) };
}
