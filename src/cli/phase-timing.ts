// Where one CLI process spends its time, when asked (SWAPLAB_TIMING=1): the
// commands mark their phases, and at exit one line `swaplab-timing {json}` on
// stderr gives each mark in ms since the process started, with Node's own
// bootstrap, the process's CPU time and its peak RSS. bench/performance.ts splits a whole `swaplab run` with it.
import { performance } from 'node:perf_hooks';

const marks: Record<string, number> = {};
const enabled = process.env['SWAPLAB_TIMING'] === '1';

/** Record that phase `name` ended now. */
export function markPhase(name: string): void {
  if (enabled) marks[name] = performance.now();
}

if (enabled) {
  process.once('exit', () => {
    const cpu = process.cpuUsage();
    // cpu: of every thread of the process (a sweep's workers included).
    const maxRssMib = process.resourceUsage().maxRSS / 1024;
    const line = { node_bootstrap: performance.nodeTiming.bootstrapComplete, ...marks, exit: performance.now(), cpu: (cpu.user + cpu.system) / 1000, max_rss_mib: maxRssMib };
    process.stderr.write(`swaplab-timing ${JSON.stringify(line)}\n`);
  });
}
