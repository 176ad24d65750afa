// Pure summary statistics over per-process or per-seed samples. No
// dependencies: reports must give the same numbers on every machine.
import type { Distribution } from './types.js';

/** Arithmetic mean; NaN for an empty sample (there is no honest default). */
export function mean(samples: readonly number[]): number {
  const n = samples.length;
  if (n === 0) return NaN;
  // Sum offsets from the first sample: identical samples give that value
  // exactly (no 482.30000000000007), and large offsets lose less precision.
  const x0 = samples[0]!;
  let sum = 0;
  for (const x of samples) sum += x - x0;
  return x0 + sum / n;
}

/** Sample standard deviation (n - 1 denominator); NaN below two samples. */
export function sampleStdDev(samples: readonly number[]): number {
  const n = samples.length;
  if (n < 2) return NaN;
  const m = mean(samples);
  if (samples.every((x) => x === samples[0])) return 0; // not 1e-14 of rounding noise
  let ss = 0;
  for (const x of samples) ss += (x - m) * (x - m);
  return Math.sqrt(ss / (n - 1));
}

// Float64Array sorts numerically (Array#sort would compare as strings).
function sortedCopy(samples: readonly number[]): Float64Array {
  return Float64Array.from(samples).sort();
}

function percentileOfSorted(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile: p must be in [0, 100], got ${p}`);
  // numpy's default ('linear'): virtual index (n - 1) * p / 100, interpolate
  // between the two closest ranks.
  const h = ((n - 1) * p) / 100;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, n - 1);
  const frac = h - lo;
  const a = sorted[lo]!;
  const b = sorted[hi]!;
  return frac === 0 ? a : a + frac * (b - a);
}

/**
 * The p-th percentile (p in [0, 100]) with linear interpolation between the
 * closest ranks, like numpy.percentile's default. The input need not be
 * sorted and is not modified. NaN for an empty sample.
 */
export function percentile(samples: readonly number[], p: number): number {
  return percentileOfSorted(sortedCopy(samples), p);
}

/** Distribution summary as the output contract wants it; all zeros when empty. */
export function summarize(samples: readonly number[]): Distribution {
  const n = samples.length;
  if (n === 0) return { count: 0, mean: 0, p50: 0, p90: 0, p99: 0, max: 0 };
  const sorted = sortedCopy(samples);
  return {
    count: n,
    mean: mean(samples),
    p50: percentileOfSorted(sorted, 50),
    p90: percentileOfSorted(sorted, 90),
    p99: percentileOfSorted(sorted, 99),
    max: sorted[n - 1]!,
  };
}

// ---------------------------------------------------------------------------
// Student's t quantile. We compute the exact CDF through the regularized
// incomplete beta function and invert it with safeguarded Newton steps, so any
// df (including fractional) is accurate to ~1e-12, not just a table's rows
// (above 1e6 df the normal quantile's ~1e-9 error dominates).

/** ln Γ(x) for x > 0 (Lanczos, g = 7, n = 9; ~15 significant digits). */
function lnGamma(x: number): number {
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - lnGamma(1 - x);
  x -= 1;
  let a = c[0]!;
  const t = x + 7.5;
  for (let i = 1; i < 9; i++) a += c[i]! / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Continued fraction for the incomplete beta (modified Lentz). */
function betaContinuedFraction(x: number, a: number, b: number): number {
  const TINY = 1e-300;
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 10_000; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-16) break;
  }
  return h;
}

/** Regularized incomplete beta I_x(a, b). */
export function regularizedIncompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const lnFront = lnGamma(a + b) - lnGamma(a) - lnGamma(b) + a * Math.log(x) + b * Math.log1p(-x);
  // Use the symmetry relation where the continued fraction converges fast.
  if (x < (a + 1) / (a + b + 2)) return (Math.exp(lnFront) * betaContinuedFraction(x, a, b)) / a;
  return 1 - (Math.exp(lnFront) * betaContinuedFraction(1 - x, b, a)) / b;
}

/** P(T <= t) for Student's t with df degrees of freedom. */
export function studentTCdf(t: number, df: number): number {
  if (df === Infinity) return normalCdf(t);
  const x = df / (df + t * t);
  const tail = 0.5 * regularizedIncompleteBeta(x, df / 2, 0.5);
  return t >= 0 ? 1 - tail : tail;
}

function studentTPdf(t: number, df: number): number {
  const lnC = lnGamma((df + 1) / 2) - lnGamma(df / 2) - 0.5 * Math.log(df * Math.PI);
  return Math.exp(lnC - ((df + 1) / 2) * Math.log1p((t * t) / df));
}

/** Φ(z); only the df = Infinity CDF uses it, so erfc's 1.2e-7 is plenty. */
export function normalCdf(z: number): number {
  return 0.5 * erfc(-z / Math.SQRT2);
}

// erfc from Numerical Recipes (erfcc), relative error < 1.2e-7 everywhere.
function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

/** Inverse standard normal CDF (Acklam's rational approximation, rel err < 1.2e-9). */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) {
    if (p === 0) return -Infinity;
    if (p === 1) return Infinity;
    throw new RangeError(`normalQuantile: p must be in [0, 1], got ${p}`);
  }
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const pLow = 0.02425;
  if (p < pLow) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  }
  if (p > 1 - pLow) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) / (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
}

/**
 * Quantile of Student's t distribution: the t with P(T <= t) = p, for any
 * df > 0 (df = Infinity gives the normal quantile).
 */
export function studentTQuantile(p: number, df: number): number {
  if (!(df > 0)) throw new RangeError(`studentTQuantile: df must be > 0, got ${df}`);
  if (!(p >= 0 && p <= 1)) throw new RangeError(`studentTQuantile: p must be in [0, 1], got ${p}`);
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  if (p === 0.5) return 0;
  if (p < 0.5) return -studentTQuantile(1 - p, df);
  if (df === Infinity) return normalQuantile(p);
  // Closed forms exist for df 1 and 2.
  if (df === 1) return Math.tan(Math.PI * (p - 0.5));
  if (df === 2) {
    const a = 4 * p * (1 - p);
    return 2 * (p - 0.5) * Math.sqrt(2 / a);
  }
  // Start from the Cornish-Fisher expansion around the normal quantile, then
  // polish with Newton on the exact CDF, keeping a bracket so it cannot diverge.
  const z = normalQuantile(p);
  const z2 = z * z;
  let t = z + (z * (z2 + 1)) / (4 * df) + (z * ((5 * z2 + 16) * z2 + 3)) / (96 * df * df) + (z * (((3 * z2 + 19) * z2 + 17) * z2 - 15)) / (384 * df * df * df);
  // Past ~1e6 df the expansion's O(df^-4) error is below double precision.
  if (df > 1e6) return t;
  let lo = 0;
  let hi = Infinity;
  for (let i = 0; i < 100; i++) {
    const f = studentTCdf(t, df) - p;
    if (f > 0) hi = Math.min(hi, t);
    else lo = Math.max(lo, t);
    const step = f / studentTPdf(t, df);
    let next = t - step;
    if (!(next > lo && next < hi)) next = hi === Infinity ? 2 * t + 1 : (lo + hi) / 2;
    if (Math.abs(next - t) <= 1e-14 * Math.max(1, Math.abs(t))) return next;
    t = next;
  }
  return t;
}

export interface ConfidenceInterval {
  mean: number;
  lo: number;
  hi: number;
  n: number;
  /** NaN when n < 2: one seed says nothing about spread (shown as 'n/a'). */
  halfWidth: number;
}

/** Two-sided 95% confidence interval of the mean with Student's t. */
export function confidenceInterval95(samples: readonly number[]): ConfidenceInterval {
  const n = samples.length;
  const m = mean(samples);
  if (n < 2) return { mean: m, lo: m, hi: m, n, halfWidth: NaN };
  const halfWidth = (studentTQuantile(0.975, n - 1) * sampleStdDev(samples)) / Math.sqrt(n);
  return { mean: m, lo: m - halfWidth, hi: m + halfWidth, n, halfWidth };
}

// ---------------------------------------------------------------------------
// Right-censored samples (docs/model.md "Memory release"): a killed process
// whose memory is not all freed by the end of the run is censored at its
// follow-up time (end - kill); Kaplan-Meier estimates the distribution over
// all killed processes instead of the self-selected subset that finished.

export interface CensoredDistribution extends Distribution {
  /** Processes whose release was observed. */
  released: number;
  /** Processes still holding memory at the end (censored at end - kill). */
  censored: number;
}

/**
 * Kaplan-Meier summary. `count` is released + censored; `mean` is the
 * restricted mean (area under the survival curve up to the longest
 * follow-up); a percentile the curve never reaches (too many censored) is
 * reported as the longest follow-up, a lower bound; `max` likewise.
 */
export function kaplanMeier(releasedMs: readonly number[], censoredMs: readonly number[]): CensoredDistribution {
  const released = releasedMs.length;
  const censored = censoredMs.length;
  const n = released + censored;
  if (n === 0) return { count: 0, mean: 0, p50: 0, p90: 0, p99: 0, max: 0, released, censored };
  // Events before censorings at equal times (the usual convention).
  const pts = [...releasedMs.map((t) => ({ t, ev: 1 })), ...censoredMs.map((t) => ({ t, ev: 0 }))].sort((a, b) => a.t - b.t || b.ev - a.ev);
  const horizon = pts[pts.length - 1]!.t;
  let atRisk = n;
  let surv = 1;
  let prevT = 0;
  let area = 0;
  const q: Array<[number, number]> = [
    [50, NaN],
    [90, NaN],
    [99, NaN],
  ];
  let i = 0;
  while (i < pts.length) {
    const t = pts[i]!.t;
    let d = 0;
    let c = 0;
    while (i < pts.length && pts[i]!.t === t) {
      if (pts[i]!.ev) d++;
      else c++;
      i++;
    }
    area += surv * (t - prevT);
    prevT = t;
    if (d > 0) {
      surv *= 1 - d / atRisk;
      for (const e of q) if (Number.isNaN(e[1]) && 1 - surv >= e[0] / 100 - 1e-12) e[1] = t;
    }
    atRisk -= d + c;
  }
  const pick = (p: number) => {
    const v = q.find((e) => e[0] === p)![1];
    return Number.isNaN(v) ? horizon : v;
  };
  return { count: n, mean: area, p50: pick(50), p90: pick(90), p99: pick(99), max: horizon, released, censored };
}
