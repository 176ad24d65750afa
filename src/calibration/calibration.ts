// Cost calibration: per-operation costs with their sources, read from
// calibration/<name>.yaml. Values are ns of CPU work at capacity 1024 unless
// the key says otherwise. The model reads costs only from here. Each file
// names, under `fitted_to:`, the one published figure it was fitted to
// (docs/validation.md shows it above the scorecard).

import { readFileSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { projectRoot } from '../project-root.js';

export const CALIBRATION_KEYS = [
  'zap_present_pte_ns',
  'free_page_ns',
  'zap_file_pte_ns',
  'zap_swap_pte_ns',
  'zap_nonpresent_call_ns',
  'swap_device_get_ns',
  'swap_cluster_lock_ns',
  'swap_map_put_ns',
  'free_swap_slot_ns',
  'swapcache_free_entries_batch_ns',
  'swap_map_clear_ns',
  'memcg_uncharge_swap_ns',
  'swap_range_free_ns',
  'clear_shadow_ns',
  'swap_table_put_ns',
  'zram_free_page_ns',
  'zram_free_same_page_ns',
  'zs_free_ns',
  'free_zspage_ns',
  'free_pgtables_per_pmd_ns',
  'exit_other_ns',
  'exit_thread_ns',
  'remove_vma_ns',
  'vmas_per_mib',
  'slab_alloc_ns',
  'list_add_ns',
  'kmalloc_work_ns',
  'queue_work_ns',
  'swap_gather_add_ns',
  'get_free_page_ns',
  'create_worker_ns',
  'compress_page_ns',
  'zs_malloc_ns',
  'reclaim_scan_page_ns',
  'decompress_page_ns',
  'page_fault_ns',
  'process_mrelease_syscall_ns',
] as const;
export type CalibrationKey = (typeof CALIBRATION_KEYS)[number];
export type Costs = Record<CalibrationKey, number>;

/** The one published figure a calibration file was fitted to (its `fitted_to:` map). */
export interface FittedTo {
  figure: string;
  source: string;
  value: string;
  /** The shipped scenario that reproduces the figure. */
  scenario: string;
}

export interface Calibration {
  name: string;
  costs: Costs;
  sources: Record<CalibrationKey, string>;
  fittedTo: FittedTo;
}

const FITTED_TO_FIELDS = ['figure', 'source', 'value', 'scenario'] as const;

function parseFittedTo(name: string, raw: unknown): FittedTo {
  if (!raw || typeof raw !== 'object') throw new CalibrationError(`calibration ${name}: fitted_to needs a map with ${FITTED_TO_FIELDS.join(', ')}`);
  const r = raw as Record<string, unknown>;
  const out = {} as FittedTo;
  for (const f of FITTED_TO_FIELDS) {
    const v = r[f];
    if (typeof v !== 'string' || v.length === 0) throw new CalibrationError(`calibration ${name}: fitted_to.${f} needs a non-empty string`);
    out[f] = v;
  }
  const extra = Object.keys(r).filter((k) => !(FITTED_TO_FIELDS as readonly string[]).includes(k));
  if (extra.length) throw new CalibrationError(`calibration ${name}: unknown fitted_to key(s) ${extra.join(', ')}`);
  return out;
}

export class CalibrationError extends Error {}

export function parseCalibration(name: string, text: string): Calibration {
  const raw = parse(text) as Record<string, { value?: unknown; source?: unknown }> | null;
  if (!raw || typeof raw !== 'object') throw new CalibrationError(`calibration ${name}: not a YAML map`);
  const costs = {} as Costs;
  const sources = {} as Record<CalibrationKey, string>;
  for (const key of CALIBRATION_KEYS) {
    const entry = raw[key];
    if (!entry || typeof entry.value !== 'number' || !(entry.value >= 0)) {
      throw new CalibrationError(`calibration ${name}: ${key} needs a non-negative numeric value`);
    }
    if (typeof entry.source !== 'string' || entry.source.length === 0) {
      throw new CalibrationError(`calibration ${name}: ${key} needs a source`);
    }
    costs[key] = entry.value;
    sources[key] = entry.source;
  }
  const fittedTo = parseFittedTo(name, raw['fitted_to']);
  const unknown = Object.keys(raw).filter((k) => k !== 'fitted_to' && !(CALIBRATION_KEYS as readonly string[]).includes(k));
  if (unknown.length) throw new CalibrationError(`calibration ${name}: unknown key(s) ${unknown.join(', ')}`);
  return { name, costs, sources, fittedTo };
}

const cache = new Map<string, Calibration>();

export function loadCalibration(name: string): Calibration {
  const hit = cache.get(name);
  if (hit) return hit;
  const file = join(projectRoot(), 'calibration', `${name}.yaml`);
  if (!existsSync(file)) throw new CalibrationError(`calibration '${name}': no file calibration/${name}.yaml`);
  const cal = parseCalibration(name, readFileSync(file, 'utf8'));
  cache.set(name, cal);
  return cal;
}

/** calibration/*.yaml names (cost tables and operating-point tables alike). */
export function calibrationFiles(): string[] {
  return readdirSync(join(projectRoot(), 'calibration'))
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => f.slice(0, -'.yaml'.length))
    .sort();
}

/** The `fitted_to:` of any calibration file (each file names the one figure it was fitted to). */
export function loadFittedTo(name: string): FittedTo {
  const file = join(projectRoot(), 'calibration', `${name}.yaml`);
  if (!existsSync(file)) throw new CalibrationError(`calibration '${name}': no file calibration/${name}.yaml`);
  const raw = parse(readFileSync(file, 'utf8')) as Record<string, unknown> | null;
  return parseFittedTo(name, raw?.['fitted_to']);
}
