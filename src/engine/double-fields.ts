// V8 gives an object field the representation of the first value stored in
// it: a small integer (Smi) field that later receives a fraction or a value
// past 2^30 (any ns time after ~1 s) changes the class's hidden class, and
// every optimised function that checked the old one deoptimises ("wrong map")
// and is compiled again. Numeric fields that will hold such values are given
// a double first, when the first object is built, before any code is
// optimised; their values are then put back unchanged.

/** Gives `obj`'s `fields` (already set; private ones too) double representation, keeping their values. */
export function asDoubleFields(obj: object, fields: readonly string[]): void {
  const o = obj as Record<string, unknown>;
  for (const f of fields) {
    if (!(f in o)) throw new Error(`asDoubleFields: no field ${f}`);
    const v = o[f];
    o[f] = 0.5;
    o[f] = v;
  }
}
