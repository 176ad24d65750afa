// The order in which a sweep hands its jobs to free workers: longest
// expected first (LPT scheduling), so that the last runs of a sweep are its
// shortest and one worker does not finish a long run alone while the others
// have nothing left. A job's expected time is the shortest finished run of
// its group (scenario point and policy: the seeds of one policy take alike,
// policies differ by up to ~2x on camera-launch); the shortest, because a
// worker's first runs (JIT warm-up) and a busy machine only ever add time.
// A group none of whose jobs has started goes first, so every group is timed
// early; one started but not finished comes last until it is timed. Only
// the order of execution changes: results keep their (point, policy, seed)
// order.

export interface GroupedJob {
  point: number;
  policy: string;
}

interface Group<J> {
  /** Jobs in the sweep's order; those before `next` have been handed out. */
  jobs: J[];
  next: number;
  shortestMs: number;
}

export class LongestFirst<J extends GroupedJob> {
  private readonly groups = new Map<string, Group<J>>();

  constructor(jobs: readonly J[]) {
    for (const job of jobs) {
      const key = groupKey(job);
      let g = this.groups.get(key);
      if (!g) this.groups.set(key, (g = { jobs: [], next: 0, shortestMs: Infinity }));
      g.jobs.push(job);
    }
  }

  /** The next job to start, or undefined when all have been handed out. */
  next(): J | undefined {
    let best: Group<J> | undefined;
    let bestMs = -1;
    for (const g of this.groups.values()) {
      if (g.next === g.jobs.length) continue;
      const expectedMs = g.next === 0 ? Infinity : g.shortestMs === Infinity ? 0 : g.shortestMs;
      if (expectedMs > bestMs) [best, bestMs] = [g, expectedMs];
    }
    return best?.jobs[best.next++];
  }

  /** A job of this group took `ms` (from hand-out to result). */
  took(job: J, ms: number): void {
    const g = this.groups.get(groupKey(job))!;
    g.shortestMs = Math.min(g.shortestMs, ms);
  }
}

const groupKey = (job: GroupedJob) => `${job.point}\0${job.policy}`;
