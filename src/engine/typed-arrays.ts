// Growing a typed array: the model's tables (event slots, lock ids, zspages,
// per-CPU caches, series) start small and double when full.

type GrowableArray = Float64Array | Int32Array | Int16Array | Uint16Array | Uint8Array;

/** A new typed array of `a`'s kind and `length` (at least a.length), `a`'s contents at its start. */
export function grown<T extends GrowableArray>(a: T, length: number): T {
  const b = new (a.constructor as new (n: number) => T)(length);
  b.set(a);
  return b;
}
