// Seeded pseudo-random numbers with independent named streams.
// Each stream is xoshiro128** seeded by splitmix32 over hash(seed, name), so
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
  private a: number; private b: number; private c: number; private d: number;

  constructor(seed32: number) {
    let st = seed32 >>> 0;
    let v: number;
    [st, v] = splitmix32(st); this.a = v;
    [st, v] = splitmix32(st); this.b = v;
    [st, v] = splitmix32(st); this.c = v;
    [st, v] = splitmix32(st); this.d = v | 1;
  }

  /** Uniform 32-bit unsigned integer (xoshiro128**). */
  nextU32(): number {
    const r = Math.imul(rotl(Math.imul(this.b, 5) >>> 0, 7), 9) >>> 0;
    const t = (this.b << 9) >>> 0;
    this.c ^= this.a; this.d ^= this.b; this.b ^= this.c; this.a ^= this.d;
    this.c ^= t;
    this.d = rotl(this.d, 11);
    this.a >>>= 0; this.b >>>= 0; this.c >>>= 0; this.d >>>= 0;
    return r;
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

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
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
