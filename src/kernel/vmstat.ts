// /proc/vmstat-style event counters (allocstall, pgsteal_*, pswpout, and the
// patches' own, e.g. async_swap_count): kernel state that userspace reads.
// Each counter is an object updated in place: a fractional count stored into
// a record field anew allocated a heap number per call.

export class VmStat {
  private readonly byName = new Map<string, { n: number }>();

  count(name: string, n = 1): void {
    let c = this.byName.get(name);
    if (!c) {
      c = { n: 0 };
      this.byName.set(name, c);
    }
    c.n += n;
  }

  /** The counters by name, in the order each first counted. */
  get counters(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [name, c] of this.byName) out[name] = c.n;
    return out;
  }
}
