// What a policy module exports: its name, a one-line summary, where it comes
// from (Message-ID or commit), a zod schema for its own options (every
// option with a default), and a constructor. The registry of these modules
// is the only list of policies; the scenario schema, the JSON Schema, the
// CLI, the reports and `swaplab list` derive names and options from it.

import type { z } from 'zod';
import type { SwapFreePolicy } from '../kernel/policy-hooks.js';

export interface PolicyModule<S extends z.ZodObject = z.ZodObject> {
  readonly name: string;
  readonly summary: string;
  /** Message-ID, commit or thread the policy models. */
  readonly source: string;
  /** Options under `kernel.policy_options.<name>` in a scenario; each field has a default. */
  readonly options: S;
  create(options: z.infer<S>): SwapFreePolicy;
}

/** Typed helper for writing a policy module (keeps `create`'s options in step with the schema). */
export function definePolicy<S extends z.ZodObject>(m: PolicyModule<S>): PolicyModule<S> {
  return m;
}
