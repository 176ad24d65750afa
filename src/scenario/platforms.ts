// Platform presets: CPUs (capacity, cluster, NUMA node), RAM, zram size,
// and the Android cpusets defined on them.

import type { LineTransferLatency } from '../kernel/cacheline/shared-lines.js';
import type { CpuSpec } from '../kernel/sched/topology.js';
import type { Scenario } from './schema.js';

export interface Platform {
  name: string;
  cpus: CpuSpec[];
  ramMib: number;
  /** zram disksize. */
  zramMib: number;
  /** cpuset name -> CPU ids. */
  cpusets: Record<string, number[]>;
  /** calibration/<name>.yaml with the CPU operating points and energy model; absent: fixed frequency, no energy model. */
  oppTable?: string;
  /** Core-to-core cache-line transfer latency (same cluster / other cluster / other NUMA node), from a public measurement. */
  lineTransfer: LineTransferLatency;
}

// Line-transfer latencies, all from github.com/nviennot/core-to-core-latency
// (results/*.csv: one CPU writes a line, another CPU polls it; half round-trip, ns).
/**
 * Phone: Apple M1 Pro (results/Apple M1 Pro.csv), the published heterogeneous
 * ARM64 SoC with separate efficiency and performance clusters: 38-53 ns
 * within a cluster, 133-157 ns between clusters. A DynamIQ phone shares one
 * DSU L3 across its clusters and may be faster across clusters; no published
 * matrix of the seed phone's SoC exists.
 */
export const PHONE_LINE_TRANSFER: LineTransferLatency = { sameClusterNs: 45, otherClusterNs: 145, otherNodeNs: 145 };
/** Four equal cores on one ring: Intel Core i7-6700K (results/Intel Core i7-6700K.csv): 18-23 ns between physical cores. */
export const QUAD_LINE_TRANSFER: LineTransferLatency = { sameClusterNs: 20, otherClusterNs: 20, otherNodeNs: 20 };
/**
 * Two-socket server: Dual AMD EPYC 7742 (results/Dual AMD EPYC 7742 64-Core
 * Processor.csv): ~25 ns inside a 4-core CCX, ~100-140 ns between CCXs of a
 * socket, ~250-270 ns between sockets. The model's cluster is a whole
 * 64-CPU node, where most pairs are cross-CCX: 120 ns.
 */
export const SERVER_LINE_TRANSFER: LineTransferLatency = { sameClusterNs: 120, otherClusterNs: 120, otherNodeNs: 260 };

function range(a: number, b: number): number[] {
  return Array.from({ length: b - a }, (_, i) => a + i);
}

/** The seed phone's SoC with `ramGib` of RAM; zram disksize half of RAM. */
function phone(name: string, ramGib: number): Platform {
  return {
    name,
    cpus: [
      ...Array.from({ length: 4 }, () => ({ capacity1024: 400, cluster: 'little', node: 0 })),
      ...Array.from({ length: 3 }, () => ({ capacity1024: 860, cluster: 'big', node: 0 })),
      { capacity1024: 1024, cluster: 'prime', node: 0 },
    ],
    ramMib: ramGib * 1024,
    zramMib: (ramGib / 2) * 1024,
    cpusets: { background: range(0, 4), 'system-background': range(0, 4), foreground: range(0, 7), 'top-app': range(0, 8) },
    oppTable: 'phone-opp',
    lineTransfer: PHONE_LINE_TRANSFER,
  };
}

export const PLATFORMS: Record<string, () => Platform> = {
  // The seed device (Lei Liu): 1 prime (~4.2 GHz class) + 3 big + 4 little, 12 GB.
  'phone-8core': () => phone('phone-8core', 12),
  // Zhiguo Jiang's camera test phone (seeds/004: "Testing Platform: 8GB RAM"), same SoC class.
  'phone-8gb': () => phone('phone-8gb', 8),
  // Zhiguo Jiang's 30-app continuous-launch phone (seeds/004: "Test machine: RAM 16GB").
  'phone-16gb': () => phone('phone-16gb', 16),
  'server-2node-128cpu': () => ({
    name: 'server-2node-128cpu',
    cpus: Array.from({ length: 128 }, (_, i) => ({ capacity1024: 1024, cluster: i < 64 ? 'node0' : 'node1', node: i < 64 ? 0 : 1 })),
    ramMib: 1024 * 1024,
    zramMib: 640 * 1024,
    cpusets: { background: range(0, 128), 'system-background': range(0, 128), foreground: range(0, 128), 'top-app': range(0, 128) },
    lineTransfer: SERVER_LINE_TRANSFER,
  }),
  // Four equal cores (one cluster, one L3), 16 GB: the munmap scaling micro-benchmark's machine (4 x 1 GiB fits).
  'quad-equal': () => ({
    name: 'quad-equal',
    cpus: Array.from({ length: 4 }, () => ({ capacity1024: 1024, cluster: 'cpu', node: 0 })),
    ramMib: 16 * 1024,
    zramMib: 8 * 1024,
    cpusets: { background: range(0, 4), 'system-background': range(0, 4), foreground: range(0, 4), 'top-app': range(0, 4) },
    lineTransfer: QUAD_LINE_TRANSFER,
  }),
};

export function platformOf(sc: Scenario): Platform {
  const p = sc.platform;
  if (typeof p === 'string') {
    const f = PLATFORMS[p];
    if (!f) throw new RangeError(`unknown platform '${p}'`);
    return f();
  }
  const cpus: CpuSpec[] = [];
  for (const g of p.cpus) for (let i = 0; i < g.count; i++) cpus.push({ capacity1024: g.capacity, cluster: g.cluster, node: g.node });
  // Custom machines: the smallest-capacity CPUs are the background cpuset.
  const minCap = Math.min(...cpus.map((c) => c.capacity1024));
  const little = cpus.map((c, i) => (c.capacity1024 === minCap ? i : -1)).filter((i) => i >= 0);
  const all = range(0, cpus.length);
  // Custom machines: one cluster -> the four-equal-core figure; several -> the phone's.
  const lineTransfer = new Set(cpus.map((c) => c.cluster)).size > 1 ? PHONE_LINE_TRANSFER : QUAD_LINE_TRANSFER;
  return { name: 'custom', lineTransfer, cpus, ramMib: p.ram_mib, zramMib: Math.round(p.ram_mib / 2), cpusets: { background: little, 'system-background': little, foreground: all, 'top-app': all } };
}
