// The registry of policy modules: the only list of policies. Adding a
// policy is one file exporting a PolicyModule (see module.ts) and one line
// here; a policy outside the project is loaded from its file with
// loadPolicyFile() (`swaplab run --policy ./my-policy.ts`).

import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { SwapFreePolicy } from '../kernel/policy-hooks.js';
import asyncGlobalList from './async-global-list.js';
import asyncMmuGather from './async-mmu-gather.js';
import asyncPerNode from './async-per-node.js';
import asyncScaledWorkers from './async-scaled-workers.js';
import deferredZsFree from './deferred-zs-free.js';
import forkAndFree from './fork-and-free.js';
import type { PolicyModule } from './module.js';
import oomReaperParallel from './oom-reaper-parallel.js';
import sync from './sync.js';

/** The shipped policies, in the order reports list them. */
export const SHIPPED_POLICIES: readonly PolicyModule[] = [sync, asyncMmuGather, asyncGlobalList, asyncPerNode, asyncScaledWorkers, forkAndFree, deferredZsFree, oomReaperParallel];

const registered = new Map<string, PolicyModule>(SHIPPED_POLICIES.map((m) => [m.name, m]));

/** Names of every shipped policy. */
export const POLICY_NAMES: readonly string[] = SHIPPED_POLICIES.map((m) => m.name);

export function findPolicy(name: string): PolicyModule | undefined {
  return registered.get(name);
}

/** True when `--policy` names a file rather than a registered policy. */
export function isPolicyFile(nameOrPath: string): boolean {
  return /\.(m?[jt]s)$/.test(nameOrPath) || nameOrPath.includes('/');
}

/**
 * Builds the policy named `name` with `rawOptions` (validated by its own
 * schema; defaults fill what is missing). Throws RangeError for an unknown
 * name and the zod error for bad options.
 */
export function createPolicy(name: string, rawOptions: unknown = {}): SwapFreePolicy {
  const m = registered.get(name);
  if (!m) throw new RangeError(`unknown policy '${name}' (known: ${[...registered.keys()].join(', ')})`);
  return m.create(m.options.parse(rawOptions ?? {}));
}

/**
 * Loads a policy module from a .ts/.js file outside the project and
 * registers it under the path as given (so scenarios, workers and results
 * name it the same way). TypeScript files are loaded through tsx.
 */
export async function loadPolicyFile(path: string): Promise<PolicyModule> {
  const known = registered.get(path);
  if (known) return known;
  const abs = isAbsolute(path) ? path : resolve(process.cwd(), path);
  const url = pathToFileURL(abs).href;
  let mod: { default?: unknown };
  if (/\.m?ts$/.test(abs)) {
    const { tsImport } = await import('tsx/esm/api');
    mod = (await tsImport(url, import.meta.url)) as { default?: unknown };
  } else {
    mod = (await import(url)) as { default?: unknown };
  }
  const m = (mod.default ?? mod) as Partial<PolicyModule> & { default?: PolicyModule };
  const pm = (m.create ? m : m.default) as PolicyModule | undefined;
  if (!pm || typeof pm.create !== 'function' || typeof pm.name !== 'string' || !pm.options) {
    throw new TypeError(`${path}: not a policy module (export default { name, summary, source, options, create })`);
  }
  registered.set(path, pm);
  return pm;
}
