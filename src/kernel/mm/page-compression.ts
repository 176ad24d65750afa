// What a swapped-out page compresses to: a property of the page's data (the
// workload), drawn where mm swaps a page out, not of zram, which only stores
// the result.

import { PAGE_SIZE } from './zone.js';

/**
 * Compressed size of one page for a uniform draw `v` in [0, 1): spread
 * 0.4x..1.6x around PAGE_SIZE / compression ratio, clamped to zsmalloc's sizes.
 */
export function compressedBytes(compressionRatio: number, v: number): number {
  return compressedBytesAround(PAGE_SIZE / compressionRatio, v);
}

/** compressedBytes() given the mean PAGE_SIZE / compression ratio (hoisted out of per-page loops). */
export function compressedBytesAround(meanBytes: number, v: number): number {
  return Math.max(32, Math.min(PAGE_SIZE, roundHalfUp(meanBytes * (0.4 + 1.2 * v))));
}

/**
 * Math.round(x), exactly: for 0.5 <= x < 2^31 - 0.5, x + 0.5 is exact or
 * rounds only within the same integer, so truncating it is Math.round.
 * Math.round's own half-way test is an unpredictable branch per page
 * (~10 ns in the swap-out build); the range tests here are predictable.
 */
function roundHalfUp(x: number): number {
  return x >= 0.5 && x < 2147483647.5 ? (x + 0.5) | 0 : Math.round(x);
}
