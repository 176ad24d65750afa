// TEST ONLY: SWAPLAB_FAULT makes a run fail as a model bug would, so the
// tests can check the error path and that a sweep survives a failed run.
// Unset in normal use; read here and nowhere else (docs/errors-and-bounds.md).
//   SWAPLAB_FAULT=invariant[@seed]   a SimulationError (an invariant violation)
//   SWAPLAB_FAULT=exception[@seed]   an unexpected TypeError
//   SWAPLAB_FAULT=<policy>:<seed>    an Error in that one run of a sweep
//   SWAPLAB_FAULT=stall@seed         that seed's runs block for ten minutes, so
//                                    a test can interrupt a sweep that cannot finish

import { SimulationError } from '../engine/engine.js';

export function injectTestFault(policy: string, seed: number): void {
  const fault = process.env['SWAPLAB_FAULT'];
  if (!fault) return;
  const [kind, onlySeed] = fault.split('@');
  if (kind === 'stall') {
    // Atomics.wait blocks this thread without spinning; terminating the
    // worker (a sweep's abort) interrupts it.
    if (Number(onlySeed) === seed) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 600_000);
    return;
  }
  if (kind === 'invariant' || kind === 'exception') {
    if (onlySeed !== undefined && Number(onlySeed) !== seed) return;
    if (kind === 'invariant') throw new SimulationError('test-fault', `SWAPLAB_FAULT injected an invariant violation (seed ${seed})`);
    throw new TypeError(`SWAPLAB_FAULT injected an unexpected exception (seed ${seed})`);
  }
  if (fault === `${policy}:${seed}`) throw new Error('injected fault (SWAPLAB_FAULT)');
}
