// CPUs as the scheduler sees them: capacity on the 1024 scale
// (arch_scale_cpu_capacity), cluster (big.LITTLE) and NUMA node.

export interface CpuSpec {
  capacity1024: number;
  cluster: string;
  node: number;
}

/** A set of CPU ids. Immutable once built; `has` is O(1). */
export class CpuMask {
  private readonly bits: Uint8Array;
  readonly ids: readonly number[];

  constructor(nrCpus: number, ids: Iterable<number>) {
    this.bits = new Uint8Array(nrCpus);
    const list: number[] = [];
    for (const id of ids) {
      if (!Number.isInteger(id) || id < 0 || id >= nrCpus) throw new RangeError(`cpu ${id} not in 0..${nrCpus - 1}`);
      if (!this.bits[id]) list.push(id);
      this.bits[id] = 1;
    }
    list.sort((a, b) => a - b);
    this.ids = list;
    if (list.length === 0) throw new RangeError('affinity mask has no CPUs');
  }

  has(cpu: number): boolean {
    return this.bits[cpu] === 1;
  }

  static all(nrCpus: number): CpuMask {
    return new CpuMask(
      nrCpus,
      Array.from({ length: nrCpus }, (_, i) => i),
    );
  }
}

/** Expands `{capacity, cluster, node, count}` groups into a CPU list. */
export function expandCpus(groups: Array<CpuSpec & { count: number }>): CpuSpec[] {
  const out: CpuSpec[] = [];
  for (const g of groups) for (let i = 0; i < g.count; i++) out.push({ capacity1024: g.capacity1024, cluster: g.cluster, node: g.node });
  return out;
}
