// kernel/sched/psi.c, memory resource only: "some" while at least one task
// is stalled on memory (direct reclaim, waiting for a page), "full" while
// every non-idle task of interest is. Times accumulate; readers take deltas
// over their own window, as LMKD's PSI triggers do.

import type { SimClock } from './zone.js';

export class PsiMemory {
  private stalled = 0;
  private sinceNs = 0;
  someTotalNs = 0;
  fullTotalNs = 0;
  /** Tasks that count as non-idle for "full" (the foreground app's threads). */
  nonIdle = 0;
  readonly listeners: Array<(someNs: number, nowNs: number) => void> = [];

  constructor(private readonly clock: SimClock) {}

  private accrue(): void {
    const t = this.clock.nowNs;
    const d = t - this.sinceNs;
    if (d > 0 && this.stalled > 0) {
      this.someTotalNs += d;
      if (this.nonIdle > 0 && this.stalled >= this.nonIdle) this.fullTotalNs += d;
    }
    this.sinceNs = t;
  }

  /** psi_memstall_enter() */
  enter(): void {
    this.accrue();
    this.stalled++;
  }

  /** psi_memstall_leave() */
  leave(): void {
    this.accrue();
    this.stalled--;
    for (const l of this.listeners) l(this.someTotalNs, this.clock.nowNs);
  }

  /** Totals up to now (for a reader's window). */
  read(): { someNs: number; fullNs: number } {
    this.accrue();
    return { someNs: this.someTotalNs, fullNs: this.fullTotalNs };
  }
}
