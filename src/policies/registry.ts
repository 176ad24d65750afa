// The policies a scenario can name. Adding a policy: write one file
// exporting a factory, add it here and to POLICY_NAMES in the scenario schema.

import { createAsyncGlobalListPolicy } from './async-global-list.js';
import { createAsyncMmuGatherPolicy } from './async-mmu-gather.js';
import { createAsyncPerNodePolicy } from './async-per-node.js';
import type { SwapFreePolicy } from './policy.js';
import { createSyncPolicy } from './sync.js';

export interface PolicyOptions {
  forcedRelease: boolean;
}

export const POLICIES: Record<string, { summary: string; create: (o: PolicyOptions) => SwapFreePolicy }> = {
  sync: { summary: createSyncPolicy().summary, create: () => createSyncPolicy() },
  'async-mmu-gather': { summary: createAsyncMmuGatherPolicy().summary, create: () => createAsyncMmuGatherPolicy() },
  'async-global-list': {
    summary: createAsyncGlobalListPolicy({ forcedRelease: false }).summary,
    create: (o) => createAsyncGlobalListPolicy({ forcedRelease: o.forcedRelease }),
  },
  'async-per-node': { summary: createAsyncPerNodePolicy().summary, create: () => createAsyncPerNodePolicy() },
};

export function createPolicy(name: string, o: PolicyOptions): SwapFreePolicy {
  const p = POLICIES[name];
  if (!p) throw new RangeError(`unknown policy '${name}' (known: ${Object.keys(POLICIES).join(', ')})`);
  return p.create(o);
}
