// The soak matrix: every shipped scenario x policy (and policy option) x
// kernel preset x LMKD reaper x seed, as jobs with the CLI command that
// reproduces each.
import { listShippedScenarios, loadScenario } from '../src/scenario/loader.js';
import { SHIPPED_POLICIES } from '../src/policies/registry.js';
import { KERNEL_VERSIONS } from '../src/scenario/schema.js';
import { shellQuote } from './shell.js';

export interface MatrixRun {
  scenario: string;
  policy: string;
  seed: number;
  /** --set overrides that pick the variant (preset, reaper, policy option, shrinking). */
  sets: string[];
  /** Short label of the variant, for tables. */
  variant: string;
}

/**
 * server-exit needs ~25 s and 0.75 GB per run as shipped; 2 processes with
 * 256 MiB each keep its shape (128 CPUs, 2 nodes, concurrent exits on 6.18
 * and 6.12) at ~5 s. Its 640 GiB zram still costs ~1.4 GB of slot tables, so
 * it runs one seed per variant.
 */
export const SHRINK: Record<string, { sets: string[]; maxSeeds: number }> = {
  'server-exit': { sets: ['processes=2', 'swap_mib=256'], maxSeeds: 1 },
  // 60 launches over 240 s simulated take ~6 s a run: 8 apps keep the mechanism (launch, cache, kill) at a fraction.
  'continuous-launch': { sets: ['continuous.apps=8', 'duration_ms=60000'], maxSeeds: 2 },
};

const REAPERS = ['setprio', 'mrelease'] as const;

/**
 * Policy variants, from the registry: every policy with its defaults, plus one
 * variant per boolean option flipped (e.g. async-global-list's forced_release).
 */
function policyVariants(): { policy: string; sets: string[]; label: string }[] {
  const out: { policy: string; sets: string[]; label: string }[] = [];
  for (const m of SHIPPED_POLICIES) {
    out.push({ policy: m.name, sets: [], label: m.name });
    for (const [option, value] of Object.entries(m.options.parse({}) as Record<string, unknown>)) {
      if (typeof value !== 'boolean') continue;
      out.push({ policy: m.name, sets: [`kernel.policy_options.${m.name}.${option}=${!value}`], label: `${m.name}+${option}=${!value}` });
    }
  }
  return out;
}

export function soakMatrix(seeds: readonly number[], scenarios = listShippedScenarios().map((s) => s.name)): MatrixRun[] {
  const runs: MatrixRun[] = [];
  for (const scenario of scenarios) {
    const shrink = SHRINK[scenario];
    // The reaper only matters where LMKD runs.
    const lmkdOn = loadScenario(scenario, shrink?.sets ?? []).lmkd.enabled;
    const reapers: readonly (string | undefined)[] = lmkdOn ? REAPERS : [undefined];
    const scenarioSeeds = shrink ? seeds.slice(0, shrink.maxSeeds) : seeds;
    for (const pv of policyVariants())
      for (const version of KERNEL_VERSIONS.options)
        for (const reaper of reapers)
          for (const seed of scenarioSeeds) {
            const sets = [...(shrink?.sets ?? []), `kernel.version=${version}`, ...(reaper ? [`lmkd.reaper=${reaper}`] : []), ...pv.sets];
            runs.push({ scenario, policy: pv.policy, seed, sets, variant: [pv.label, version, reaper].filter(Boolean).join(' ') });
          }
  }
  return runs;
}

export function reproduceRun(r: { scenario: string; policy?: string; seed?: number; sets: string[] }): string {
  const parts = ['node dist/src/cli/main.js run', shellQuote(r.scenario)];
  if (r.policy !== undefined) parts.push('--policy', r.policy);
  if (r.seed !== undefined) parts.push('--seed', String(r.seed));
  for (const s of r.sets) parts.push('--set', shellQuote(s));
  return parts.join(' ');
}
