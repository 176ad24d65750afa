// Per-CPU run queue: the fair class ordered by vruntime (kernel/sched/fair.c,
// CFS's rb-tree; a sorted array is enough at phone run-queue depths) and the
// RT class by priority, FIFO within a priority (kernel/sched/rt.c).

import type { Task } from './task.js';

/**
 * What the run queues of a machine share (the kernel's root domain): how
 * many tasks wait in any of them. With none, an idle CPU has nothing to pull
 * (newidle_balance() returns early when rd->overload is clear).
 */
export class RootDomain {
  nrQueued = 0;
}

export class RunQueue {
  /** Fair tasks sorted by (vruntime, tid). */
  readonly fair: Task[] = [];
  /** FIFO tasks sorted by descending priority, arrival order within one. */
  readonly rt: Task[] = [];
  minVruntime = 0;

  constructor(private readonly rd: RootDomain) {}

  get size(): number {
    return this.fair.length + this.rt.length;
  }

  enqueue(t: Task, atHead = false): void {
    this.rd.nrQueued++;
    if (t.isRt) {
      let i = 0;
      // Higher priority first; a preempted RT task goes back to the head of its priority.
      while (i < this.rt.length && (this.rt[i]!.rtPriority > t.rtPriority || (!atHead && this.rt[i]!.rtPriority === t.rtPriority))) i++;
      insertAt(this.rt, i, t);
    } else {
      let lo = 0,
        hi = this.fair.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        const m = this.fair[mid]!;
        if (m.vruntime < t.vruntime || (m.vruntime === t.vruntime && m.tid < t.tid)) lo = mid + 1;
        else hi = mid;
      }
      insertAt(this.fair, lo, t);
    }
  }

  remove(t: Task): void {
    const list = t.isRt ? this.rt : this.fair;
    const i = list.indexOf(t);
    if (i < 0) throw new Error(`runqueue: ${t.name} not queued`);
    removeAt(list, i);
    this.rd.nrQueued--;
  }

  /** min_vruntime only moves forward (update_min_vruntime). */
  updateMinVruntime(curr: Task | null): void {
    let v = Infinity;
    if (curr && !curr.isRt) v = curr.vruntime;
    if (this.fair.length > 0) v = Math.min(v, this.fair[0]!.vruntime);
    if (v !== Infinity && v > this.minVruntime) this.minVruntime = v;
  }
}

// Array.prototype.splice allocates the array of removed elements on every
// call: in place, an enqueue or dequeue allocates nothing (run queues are short).

function insertAt(list: Task[], i: number, t: Task): void {
  let j = list.length;
  list.push(t);
  for (; j > i; j--) list[j] = list[j - 1]!;
  list[i] = t;
}

function removeAt(list: Task[], i: number): void {
  const last = list.length - 1;
  for (let j = i; j < last; j++) list[j] = list[j + 1]!;
  list.pop();
}
