// What a swapped-out page compresses to: a property of the page's data (the
// workload), drawn where mm swaps a page out, not of zram, which only stores
// the result.

import { PAGE_SIZE } from './zone.js';

/** The smallest object zsmalloc stores (ZS_MIN_ALLOC_SIZE). */
const ZS_MIN_BYTES = 32;

/**
 * Compressed size of one page for a uniform draw `v` in [0, 1): spread
 * 0.4x..1.6x around PAGE_SIZE / compression ratio, clamped to zsmalloc's sizes.
 */
export function compressedBytes(compressionRatio: number, v: number): number {
  return compressedBytesAround(PAGE_SIZE / compressionRatio, v);
}

/** compressedBytes() given the mean PAGE_SIZE / compression ratio (hoisted out of per-page loops). */
export function compressedBytesAround(meanBytes: number, v: number): number {
  const x = meanBytes * (0.4 + 1.2 * v);
  // Within zsmalloc's sizes Math.round(x) is exactly (x + 0.5) | 0 (x + 0.5
  // is exact, or rounds without crossing an integer): an int32, and no
  // unpredictable half-way branch per page. Outside them, the clamp itself.
  return x >= ZS_MIN_BYTES && x < PAGE_SIZE ? (x + 0.5) | 0 : Math.max(ZS_MIN_BYTES, Math.min(PAGE_SIZE, Math.round(x)));
}
