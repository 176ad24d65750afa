// Checks a schema-valid scenario against what building and running it needs:
// the calibration file, swap that fits the zram device, memory that fits in
// RAM, a model small enough for one machine. `check`, `run` and the server all
// go through loadScenario, which calls this, so nothing `check` accepts fails
// on its input later; buildSimulation calls it again for direct API callers.
//
// The sizes are upper bounds over seeds: apps whose anon_mib is drawn from
// [min, max] count as their mean plus six standard deviations of the sum
// (exceeded with a probability below 1e-9), at most count x max. The messages
// say how big each side is.

import { CalibrationError, loadCalibration } from '../calibration/calibration.js';
import { mibToPages, PAGES_PER_MIB } from '../kernel/mm/zone.js';
import { MAX_FINE_SWAP_MIB, MAX_SIMULATED_MIB } from './limits.js';
import type { Scenario } from './schema.js';
import { platformOf } from './platforms.js';
import { swapFits } from './swap-fit.js';

export interface PreflightProblem {
  /** The field to blame, e.g. ['apps', 'count']. */
  path: string[];
  message: string;
}

/**
 * zsmalloc size-class rounding and partly used zspages, as a share of the
 * objects' bytes. Objects average a page / compression_ratio (Kernel.compressedBytes
 * draws them around that mean), and thousands of them make the average tight.
 */
const ZSMALLOC_OVERHEAD = 1.1;
/** Standard deviations above the mean for the apps' drawn sizes. */
const DRAW_SIGMAS = 6;

/** Upper bound (MiB) on the total anonymous memory of the apps, over seeds. */
export function appsAnonBoundMib(count: number, anonMib: number | readonly [number, number]): number {
  if (!Array.isArray(anonMib)) return count * (anonMib as number);
  const [lo, hi] = anonMib as readonly [number, number];
  const sd = ((hi - lo) / Math.sqrt(12)) * Math.sqrt(count);
  return Math.min(count * hi, count * ((lo + hi) / 2) + DRAW_SIGMAS * sd);
}

const fmtMib = (pages: number) => `${Math.ceil(pages / PAGES_PER_MIB)} MiB`;

/** The first reason this scenario cannot be built and run, or undefined. */
export function preflight(sc: Scenario): PreflightProblem | undefined {
  try {
    loadCalibration(sc.kernel.calibration);
  } catch (e) {
    if (e instanceof CalibrationError) return { path: ['kernel', 'calibration'], message: e.message };
    throw e;
  }

  const a = sc.apps;
  const appAnonMib = Array.isArray(a.anon_mib) ? a.anon_mib[1] : a.anon_mib;
  const simulatedMib = a.count * (appAnonMib + a.file_mib) + sc.processes * (sc.swap_mib + sc.present_mib);
  if (simulatedMib > MAX_SIMULATED_MIB) {
    return {
      path: blame(sc),
      message: `the processes hold up to ${Math.round(simulatedMib)} MiB of simulated memory; at most ${MAX_SIMULATED_MIB} MiB (the model keeps a word per page)`,
    };
  }

  const platform = platformOf(sc);
  // Apps in all (bounded over seeds), micro processes each; +1 page per process for rounding.
  const appsAnonPages = Math.ceil(appsAnonBoundMib(a.count, a.anon_mib) * PAGES_PER_MIB) + a.count;
  const appsSwapPages = Math.ceil(appsAnonPages * a.swap_ratio);
  const appsPresentPages = Math.ceil(appsAnonPages * (1 - a.swap_ratio));
  const appFilePages = Math.round(a.file_mib * PAGES_PER_MIB);
  const microSwapPages = Math.round(sc.swap_mib * PAGES_PER_MIB);
  const microPresentPages = Math.round(sc.present_mib * PAGES_PER_MIB);

  const swapPages = appsSwapPages + sc.processes * microSwapPages;
  if (sc.kernel.aggregation === 'fine' && swapPages > MAX_FINE_SWAP_MIB * PAGES_PER_MIB) {
    return {
      path: ['kernel', 'aggregation'],
      message: `aggregation fine checks the chunk aggregation on small cases: at most ${MAX_FINE_SWAP_MIB} MiB of swap in all, this scenario has up to ${fmtMib(swapPages)} (use chunk)`,
    };
  }
  const zramSlots = mibToPages(platform.zramMib);
  // As build.ts lays them out: apps in base pages, micro processes in mTHP folios (unfragmented when > 4 KiB).
  const fits = swapFits(
    [
      { count: a.count, pages: a.count > 0 ? appsSwapPages / a.count : 0, folioPages: 1, fragmentation: sc.kernel.swap_fragmentation },
      { count: sc.processes, pages: microSwapPages, folioPages: sc.mthp_kib / 4, fragmentation: sc.mthp_kib > 4 ? 0 : sc.kernel.swap_fragmentation },
    ],
    zramSlots,
  );
  if (!fits) {
    return {
      path: blame(sc),
      message: `the processes' swap (up to ${fmtMib(swapPages)}) does not fit in the swap device (zram ${platform.zramMib} MiB, less the holes swap_fragmentation ${sc.kernel.swap_fragmentation} leaves): lower apps.count, anon_mib, swap_ratio, processes or swap_mib, or use a bigger platform`,
    };
  }

  // Everything the run can free must fit in RAM beside the free memory it starts with.
  const ramPages = mibToPages(platform.ramMib);
  const objectShare = Math.min(1, ZSMALLOC_OVERHEAD / sc.kernel.compression_ratio);
  const zramPoolPages = Math.ceil(swapPages * objectShare);
  const freePages = mibToPages(Math.min(sc.memory.free_mib, platform.ramMib));
  const heldPages = appsPresentPages + a.count * appFilePages + sc.processes * microPresentPages + mibToPages(sc.memory.page_cache_mib) + zramPoolPages;
  if (freePages + heldPages > ramPages) {
    return {
      path: blame(sc),
      message: `the scenario does not fit in RAM: ${fmtMib(freePages)} free + up to ${fmtMib(heldPages)} held by processes, page cache and zram > ${platform.ramMib} MiB of ${platform.name}`,
    };
  }
  return undefined;
}

/** The field most likely to have made the scenario too big: the larger of the apps and the micro processes. */
function blame(sc: Scenario): string[] {
  const appMib = sc.apps.count * (Array.isArray(sc.apps.anon_mib) ? sc.apps.anon_mib[1] : sc.apps.anon_mib);
  const microMib = sc.processes * (sc.swap_mib + sc.present_mib);
  return appMib >= microMib ? ['apps', 'count'] : ['processes'];
}
