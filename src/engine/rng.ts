// Seeded pseudo-random numbers with independent named streams.
// Each stream is sfc32 seeded by splitmix32 over hash(seed, name), so
// a policy drawing numbers from its own stream never shifts the workload's.

function hashString32(s: string, seed: number): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

function splitmix32(state: number): [number, number] {
  state = (state + 0x9e3779b9) >>> 0;
  let z = state;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
  return [state, (z ^ (z >>> 16)) >>> 0];
}

export class RngStream {
  // sfc32 (Chris Doty-Humphrey's Small Fast Counting generator): 128-bit
  // state, all 32-bit integer ops, several times faster than xoshiro in JS.
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed32: number) {
    let st = seed32 >>> 0;
    let v: number;
    [st, v] = splitmix32(st);
    this.a = v | 0;
    [st, v] = splitmix32(st);
    this.b = v | 0;
    [st, v] = splitmix32(st);
    this.c = v | 0;
    this.d = 1;
    for (let i = 0; i < 12; i++) this.nextU32(); // warm up
  }

  /** Uniform 32-bit unsigned integer. */
  nextU32(): number {
    const a = this.a,
      b = this.b,
      c = this.c,
      d = this.d;
    const t = (((a + b) | 0) + d) | 0;
    this.d = (d + 1) | 0;
    this.a = b ^ (b >>> 9);
    this.b = (c + (c << 3)) | 0;
    this.c = (((c << 21) | (c >>> 11)) + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  float(): number {
    return this.nextU32() / 4294967296;
  }

  /** Uniform integer in [lo, hi] inclusive. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.float() * (hi - lo + 1));
  }

  /** Uniform real in [lo, hi). */
  uniform(lo: number, hi: number): number {
    return lo + this.float() * (hi - lo);
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.float() < p;
  }
}

export class Rng {
  private readonly streams = new Map<string, RngStream>();
  constructor(readonly seed: number) {}

  /** The stream named `name`; the same name always yields the same sequence for a seed. */
  stream(name: string): RngStream {
    let s = this.streams.get(name);
    if (!s) {
      s = new RngStream(hashString32(name, this.seed >>> 0) ^ Math.imul(this.seed | 0, 0x27d4eb2d));
      this.streams.set(name, s);
    }
    return s;
  }
}
