// A page's compressed size is the mean PAGE_SIZE / ratio spread by the draw,
// rounded half up (Math.round) and clamped to zsmalloc's sizes. The per-page
// code rounds without Math.round inside those sizes; it must agree with it
// everywhere, half-way points and the clamp's edges included.
import { describe, expect, it } from 'vitest';
import { Rng } from '../src/engine/rng.js';
import { compressedBytes, compressedBytesAround } from '../src/kernel/mm/page-compression.js';
import { PAGE_SIZE } from '../src/kernel/mm/zone.js';

const reference = (meanBytes: number, v: number): number => Math.max(32, Math.min(PAGE_SIZE, Math.round(meanBytes * (0.4 + 1.2 * v))));

/** The largest double below x, and the smallest above. */
function neighbours(x: number): [number, number] {
  const f = new Float64Array([x]);
  const u = new BigInt64Array(f.buffer);
  u[0]! -= 1n;
  const below = f[0]!;
  u[0]! += 2n;
  return [below, f[0]!];
}

describe('compressed page sizes', () => {
  const ratios = [1, 1.5, 2.8, 4, 8.5, 40, 200];

  it('round half up and clamp to zsmalloc sizes, as Math.round does, for random draws', () => {
    const rng = new Rng(7).stream('sizes');
    for (const ratio of ratios) {
      for (let i = 0; i < 20_000; i++) {
        const v = rng.float();
        expect(compressedBytes(ratio, v)).toBe(reference(PAGE_SIZE / ratio, v));
      }
    }
  });

  it('agree with Math.round at and next to every half-way point and at the clamp edges', () => {
    for (const ratio of ratios) {
      const mean = PAGE_SIZE / ratio;
      for (let k = 0; k <= PAGE_SIZE; k++) {
        for (const x of [k + 0.5, k, 31.999999999999996, PAGE_SIZE - 0.5]) {
          const v = (x / mean - 0.4) / 1.2;
          for (const w of [v, ...neighbours(v)]) expect(compressedBytesAround(mean, w)).toBe(reference(mean, w));
        }
      }
    }
  });
});
