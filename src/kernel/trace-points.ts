// Named intervals on a task's timeline (do_exit, unmap_vmas, a work item...),
// the model's tracepoints. Observers record them; with none attached they
// cost one branch. They never feed back into the run.

import type { Task } from './sched/task.js';

export interface SpanObserver {
  span(task: Task, name: string, startNs: number, endNs: number, args?: Record<string, number | string>): void;
  instant?(task: Task | null, name: string, tsNs: number, args?: Record<string, number | string>): void;
}

export class TracePoints {
  readonly observers: SpanObserver[] = [];

  get enabled(): boolean {
    return this.observers.length > 0;
  }

  span(task: Task, name: string, startNs: number, endNs: number, args?: Record<string, number | string>): void {
    for (const o of this.observers) o.span(task, name, startNs, endNs, args);
  }

  instant(task: Task | null, name: string, tsNs: number, args?: Record<string, number | string>): void {
    for (const o of this.observers) o.instant?.(task, name, tsNs, args);
  }
}
