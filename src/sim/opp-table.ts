// Reads a platform's CPU operating points and governor settings from
// calibration/<name>.yaml (see calibration/phone-opp.yaml): frequencies per
// cluster, busy power per point from the kernel's C * V^2 * f energy model,
// idle power, and the schedutil parameters, each with its source.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { CalibrationError } from '../calibration/calibration.js';
import { dynamicPowerMw, type ClusterOpps, type GovernorParams } from '../kernel/sched/cpufreq.js';
import { projectRoot } from '../scenario/loader.js';

export interface OppTable {
  name: string;
  clusters: ClusterOpps[];
  governor: Omit<GovernorParams, 'enabled'>;
}

interface RawCluster {
  dynamic_power_coefficient?: unknown;
  min_mv?: unknown;
  max_mv?: unknown;
  idle_mw?: unknown;
  opp_mhz?: unknown;
}
interface RawEntry {
  value?: unknown;
  source?: unknown;
}

const cache = new Map<string, OppTable>();

export function loadOppTable(name: string): OppTable {
  const hit = cache.get(name);
  if (hit) return hit;
  const file = join(projectRoot(), 'calibration', `${name}.yaml`);
  if (!existsSync(file)) throw new CalibrationError(`operating points '${name}': no file calibration/${name}.yaml`);
  const table = parseOppTable(name, readFileSync(file, 'utf8'));
  cache.set(name, table);
  return table;
}

export function parseOppTable(name: string, text: string): OppTable {
  const raw = parse(text) as { governor?: Record<string, RawEntry>; clusters?: Record<string, RawCluster> } | null;
  const bad = (what: string) => new CalibrationError(`operating points ${name}: ${what}`);
  if (!raw || typeof raw !== 'object' || !raw.governor || !raw.clusters) throw bad('needs governor and clusters maps');
  const g = (key: string): number => {
    const e = raw.governor![key];
    if (!e || typeof e.value !== 'number' || !(e.value > 0)) throw bad(`governor.${key} needs a positive value`);
    if (typeof e.source !== 'string' || !e.source) throw bad(`governor.${key} needs a source`);
    return e.value;
  };
  const num = (c: string, v: unknown, key: string): number => {
    if (typeof v !== 'number' || !(v >= 0)) throw bad(`clusters.${c}.${key} needs a non-negative number`);
    return v;
  };
  const clusters: ClusterOpps[] = [];
  for (const [cluster, rc] of Object.entries(raw.clusters)) {
    const dpc = num(cluster, rc.dynamic_power_coefficient, 'dynamic_power_coefficient');
    const minMv = num(cluster, rc.min_mv, 'min_mv');
    const maxMv = num(cluster, rc.max_mv, 'max_mv');
    const idleMw = num(cluster, rc.idle_mw, 'idle_mw');
    const mhz = rc.opp_mhz;
    if (!Array.isArray(mhz) || mhz.length === 0 || !mhz.every((f) => typeof f === 'number' && f > 0)) throw bad(`clusters.${cluster}.opp_mhz needs a list of frequencies`);
    const fs = mhz as number[];
    for (let i = 1; i < fs.length; i++) if (!(fs[i]! > fs[i - 1]!)) throw bad(`clusters.${cluster}.opp_mhz must ascend`);
    const lo = fs[0]!,
      hi = fs[fs.length - 1]!;
    const opps = fs.map((f) => {
      const mv = hi > lo ? minMv + ((maxMv - minMv) * (f - lo)) / (hi - lo) : maxMv;
      return { mhz: f, busyMw: dynamicPowerMw(dpc, mv, f) };
    });
    clusters.push({ cluster, opps, idleMw });
  }
  return {
    name,
    clusters,
    governor: { rateLimitNs: g('rate_limit_us') * 1000, headroom: g('headroom'), peltHalfLifeNs: g('pelt_halflife_ms') * 1e6 },
  };
}
