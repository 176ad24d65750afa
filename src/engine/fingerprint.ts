// Run fingerprint: a 64-bit FNV-1a-style hash (two 32-bit lanes) of the event
// stream: every processed event's time, priority class, target and tag.
// Observers (metrics, tracing) are never hashed, so they cannot change it.

/** 2^-32: multiplying by it is exact, and cheaper than dividing by 2^32. */
const INV_2_32 = 1 / 4294967296;

export class Fingerprint {
  private h1 = 0x811c9dc5;
  private h2 = 0x01000193;

  mix(x: number): void {
    // Split into 32-bit halves so times beyond 2^32 ns still count.
    const lo = x >>> 0;
    const hi = Math.floor(x / 4294967296) >>> 0;
    this.h1 = Math.imul(this.h1 ^ lo, 0x01000193);
    this.h2 = Math.imul(this.h2 ^ hi ^ (lo >>> 7), 0x5bd1e995);
    this.h1 = Math.imul(this.h1 ^ (this.h1 >>> 15), 0x85ebca6b);
    this.h2 = (this.h2 ^ this.h1) >>> 0;
  }

  /**
   * mix(timeNs) then mix(code), with the state in locals: the engine calls
   * this once per event. For integers (the engine only passes integers),
   * (x - lo) * 2^-32 is exactly floor(x / 2^32).
   */
  mixEvent(timeNs: number, code: number): void {
    let lo = timeNs >>> 0;
    let hi = ((timeNs - lo) * INV_2_32) >>> 0;
    let h1 = Math.imul(this.h1 ^ lo, 0x01000193);
    let h2 = Math.imul(this.h2 ^ hi ^ (lo >>> 7), 0x5bd1e995);
    h1 = Math.imul(h1 ^ (h1 >>> 15), 0x85ebca6b);
    h2 ^= h1;
    lo = code >>> 0;
    hi = ((code - lo) * INV_2_32) >>> 0;
    h1 = Math.imul(h1 ^ lo, 0x01000193);
    h2 = Math.imul(h2 ^ hi ^ (lo >>> 7), 0x5bd1e995);
    h1 = Math.imul(h1 ^ (h1 >>> 15), 0x85ebca6b);
    this.h1 = h1;
    this.h2 = (h2 ^ h1) >>> 0;
  }

  hex(): string {
    return (this.h1 >>> 0).toString(16).padStart(8, '0') + (this.h2 >>> 0).toString(16).padStart(8, '0');
  }
}
