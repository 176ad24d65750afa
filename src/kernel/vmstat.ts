// /proc/vmstat-style event counters (allocstall, pgsteal_*, pswpout, and the
// patches' own, e.g. async_swap_count): kernel state that userspace reads.

export class VmStat {
  readonly counters: Record<string, number> = {};

  count(name: string, n = 1): void {
    this.counters[name] = (this.counters[name] ?? 0) + n;
  }
}
