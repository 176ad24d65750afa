// kernel/sched/core.c in miniature: wake-up placement, picking the next task,
// preemption (deferred while preempt_count > 0), idle pulling, RT throttling,
// and the interpreter that runs each task's step program.
//
// Re-entrancy rule: a task's program is only stepped from its own event or
// from its CPU's reschedule event. Anything one task does to another CPU
// (a wake-up, a lock hand-off) is an event at the current time, never a
// nested call, so no task is preempted halfway through its own step.

import { Engine, EventPriority, IdAllocator, SimulationError } from '../../engine/engine.js';
import { resume, type Program, type StepTask, type TaskCtx } from '../../engine/steps.js';
import { Cpu, CpuEvent, type CpuEventOwner } from './cpu.js';
import { RootDomain } from './runqueue.js';
import { Task, type TaskEventOwner, type TaskSpec, type TaskState } from './task.js';
import { CpuMask, type CpuSpec } from './topology.js';
import { niceToWeight } from './weights.js';

export interface SchedParams {
  /** sysctl_sched_base_slice: how far past parity a fair task runs before a tick preempts it. */
  baseSliceNs: number;
  /** place_entity() sleeper credit: a waking task's vruntime may lag min_vruntime by this. */
  sleeperCreditNs: number;
  /** Shortest slice timer, so tiny vruntime gaps do not storm the queue. */
  minTickNs: number;
  rtThrottling: boolean;
  rtRuntimeNs: number;
  rtPeriodNs: number;
}

export const DEFAULT_SCHED_PARAMS: SchedParams = {
  baseSliceNs: 750_000, // 6.6+ sysctl_sched_base_slice = 0.75 ms
  sleeperCreditNs: 3_000_000, // sysctl_sched_latency (6 ms) / 2
  minTickNs: 50_000,
  rtThrottling: true,
  rtRuntimeNs: 950_000_000, // sched_rt_runtime_us = 950000
  rtPeriodNs: 1_000_000_000, // sched_rt_period_us = 1000000
};

/**
 * The params with their fields in one order, whatever object (a spread of
 * overrides) they came in: every run's Scheduler then reads one hidden class
 * and the optimised scheduler code is not thrown away from run to run.
 */
function sameShape(p: SchedParams): SchedParams {
  return { baseSliceNs: p.baseSliceNs, sleeperCreditNs: p.sleeperCreditNs, minTickNs: p.minTickNs, rtThrottling: p.rtThrottling, rtRuntimeNs: p.rtRuntimeNs, rtPeriodNs: p.rtPeriodNs };
}

/** Observers of scheduling; they record, never steer. */
export interface SchedObserver {
  /** A CPU ran `task` (spinning or not) over [startNs, endNs). */
  cpuSlice?(cpu: number, task: Task, startNs: number, endNs: number, spinning: boolean): void;
  taskExit?(task: Task, nowNs: number): void;
}

const TaskEvent = { workDone: 0, timer: 1, granted: 2 } as const;

export class Scheduler implements TaskEventOwner, CpuEventOwner {
  readonly cpus: Cpu[];
  readonly tasks: Task[] = [];
  readonly cpusets = new Map<string, CpuMask>();
  readonly observers: SchedObserver[] = [];
  /**
   * cpufreq's hook: this CPU starts running a task (cpufreq_update_util),
   * however it got there. The governor object itself, not a closure: one
   * made per run would be a new call target for code optimised in the last run.
   */
  onRun: { cpuStartsTask(cpu: Cpu): void } | null = null;
  /** Tasks waiting on any CPU's run queue: an idle CPU has nothing to pull without them. */
  private readonly rd = new RootDomain();
  /** Thread ids start well above every process id, so a tid never names a process. */
  private nextTid = 100_000;
  /** The waiters an unlock hands the lock to (SimLock.release), reused from unlock to unlock. */
  private readonly granted: StepTask[] = [];
  readonly params: SchedParams;

  constructor(
    readonly engine: Engine,
    readonly ids: IdAllocator,
    cpuSpecs: CpuSpec[],
    params: SchedParams = DEFAULT_SCHED_PARAMS,
  ) {
    this.params = sameShape(params);
    if (cpuSpecs.length === 0) throw new RangeError('a machine needs at least one CPU');
    this.cpus = cpuSpecs.map((s, i) => {
      if (!(s.capacity1024 > 0 && s.capacity1024 <= 1024)) throw new RangeError(`cpu${i}: capacity ${s.capacity1024} outside 1..1024`);
      return new Cpu(i, ids.take(), s.capacity1024, s.cluster, s.node, this, this.rd);
    });
    this.cpusets.set('all', CpuMask.all(this.cpus.length));
  }

  mask(ids: Iterable<number>): CpuMask {
    return new CpuMask(this.cpus.length, ids);
  }

  defineCpuset(name: string, ids: Iterable<number>): CpuMask {
    const m = this.mask(ids);
    this.cpusets.set(name, m);
    return m;
  }

  cpuset(name: string): CpuMask {
    const m = this.cpusets.get(name);
    if (!m) throw new RangeError(`unknown cpuset '${name}' (known: ${[...this.cpusets.keys()].join(', ')})`);
    return m;
  }

  // ---- task life cycle -------------------------------------------------

  /** Creates a task (wake_up_new_task) running `body`. */
  spawn(spec: TaskSpec, body: (k: TaskCtx, t: Task) => Program): Task {
    const policy = spec.policy ?? 'fair';
    const nice = spec.nice ?? 0;
    const rtPrio = spec.rtPriority ?? 0;
    if (policy === 'fifo' && !(rtPrio >= 1 && rtPrio <= 99)) throw new RangeError(`${spec.name}: SCHED_FIFO priority ${rtPrio} outside 1..99`);
    const cpuset = spec.cpuset ?? 'all';
    const affinity = spec.affinity ?? this.cpuset(cpuset);
    const tid = this.nextTid++;
    const task = new Task(tid, this.ids.take(), spec.name, spec.proc, policy, nice, rtPrio, affinity, cpuset, spec.category, this);
    task.program = body(task.ctx, task);
    task.weight = niceToWeight(nice);
    task.stateSinceNs = this.engine.nowNs;
    task.resume = true;
    this.tasks.push(task);
    if (spec.startSleeping) return task; // state 'sleeping' until wake()
    const cpu = this.selectCpu(task);
    task.vruntime = cpu.rq.minVruntime;
    this.enqueue(cpu, task);
    return task;
  }

  /** try_to_wake_up(): a sleeping task becomes runnable on a chosen CPU. */
  wake(t: StepTask): void {
    const task = t as Task;
    if (task.state !== 'sleeping') return;
    if (task.timer >= 0) {
      this.engine.cancel(task.timer);
      task.timer = -1;
    }
    const prev = task.cpu >= 0 ? this.cpus[task.cpu]! : null;
    const cpu = this.selectCpu(task);
    if (!task.isRt) {
      if (prev && prev !== cpu) task.vruntime += cpu.rq.minVruntime - prev.rq.minVruntime;
      task.vruntime = Math.max(task.vruntime, cpu.rq.minVruntime - this.params.sleeperCreditNs);
    }
    task.resume = true;
    this.enqueue(cpu, task);
  }

  /** Changes nice (setpriority); takes effect for vruntime from now on. */
  setNice(task: Task, nice: number): void {
    const w = niceToWeight(nice);
    if (task.state === 'running' || task.state === 'spinning') this.updateCurr(this.cpus[task.cpu]!);
    task.nice = nice;
    if (task.state === 'runnable' && !task.isRt) {
      const cpu = this.cpus[task.cpu]!;
      cpu.rq.remove(task);
      task.weight = w;
      cpu.rq.enqueue(task);
    } else task.weight = w;
  }

  /** Moves a task to another cpuset (and its affinity), as LMKD's set_process_group does. */
  setCpuset(task: Task, name: string): void {
    task.cpuset = name;
    task.affinity = this.cpuset(name);
    if (task.state === 'runnable' && !task.affinity.has(task.cpu)) {
      const from = this.cpus[task.cpu]!;
      from.rq.remove(task);
      const to = this.selectCpu(task);
      if (!task.isRt) task.vruntime += to.rq.minVruntime - from.rq.minVruntime;
      this.enqueue(to, task);
    } else if ((task.state === 'running' || task.state === 'spinning') && !task.affinity.has(task.cpu)) {
      task.needResched = true;
      this.requestResched(this.cpus[task.cpu]!);
    }
  }

  /**
   * A frequency change (cpufreq_driver_fast_switch): work done so far is
   * charged at the old speed, the CPU's stretch is cut so observers see one
   * operating point per stretch, and the running work's completion is re-armed.
   */
  setCpuSpeed(cpu: Cpu, speed1024: number): void {
    if (!(speed1024 > 0 && speed1024 <= cpu.capacity1024)) throw new SimulationError('cpu-speed', `cpu${cpu.id}: speed ${speed1024} outside 0..${cpu.capacity1024}`);
    if (speed1024 === cpu.speed1024) return;
    this.updateCurr(cpu);
    this.cutCpuSlice(cpu, cpu.sliceSpinning);
    cpu.speed1024 = speed1024;
    const curr = cpu.curr;
    if (curr && curr.state === 'running' && curr.workLeftNs > 0 && curr.timer >= 0) {
      this.engine.cancel(curr.timer);
      this.armWork(cpu, curr);
    }
  }

  /** Brings a CPU's running task's accounting up to now (for samplers such as cpufreq). */
  syncCpu(cpu: Cpu): void {
    this.updateCurr(cpu);
  }

  // ---- events ----------------------------------------------------------

  onTaskEvent(task: Task, tag: number): void {
    switch (tag) {
      case TaskEvent.workDone: {
        task.timer = -1;
        this.updateCurr(this.cpus[task.cpu]!);
        task.workLeftNs = 0;
        this.advance(task);
        return;
      }
      case TaskEvent.timer: {
        // Sleep over, or a wait timed out.
        task.timer = -1;
        const w = task.ctx.step.kind === 'wait' ? task.ctx.step.waitable : null;
        if (w) {
          w.removeWaiter(task);
          task.ctx.timedOut = true;
        }
        this.wake(task);
        return;
      }
      case TaskEvent.granted: {
        // A spinlock was handed to this spinning task.
        const cpu = this.cpus[task.cpu]!;
        this.updateCurr(cpu);
        this.setState(task, 'running');
        this.cutCpuSlice(cpu, false);
        this.advance(task);
        return;
      }
      default:
        throw new SimulationError('task-event', `unknown tag ${tag} for ${task.name}`);
    }
  }

  onCpuEvent(cpu: Cpu, tag: number): void {
    switch (tag) {
      case CpuEvent.resched:
        cpu.reschedPending = false;
        break;
      case CpuEvent.slice:
        cpu.sliceTimer = -1;
        break;
      case CpuEvent.rtThrottle: {
        cpu.rtTimer = -1;
        this.updateCurr(cpu);
        if (cpu.rtUsedNs >= this.params.rtRuntimeNs && !cpu.rtThrottled) {
          cpu.rtThrottled = true;
          const next = (cpu.rtPeriodIndex + 1) * this.params.rtPeriodNs;
          cpu.rtTimer = this.engine.at(next, EventPriority.sched, cpu, CpuEvent.rtPeriod);
        }
        break;
      }
      case CpuEvent.rtPeriod: {
        cpu.rtTimer = -1;
        this.updateCurr(cpu);
        cpu.rtThrottled = false;
        break;
      }
      default:
        throw new SimulationError('cpu-event', `unknown tag ${tag} on cpu${cpu.id}`);
    }
    this.schedule(cpu);
  }

  // ---- the step interpreter ---------------------------------------------

  /** Runs the task's program from where it stopped until it needs time or blocks. */
  private advance(task: Task): void {
    const cpu = this.cpus[task.cpu]!;
    const k = task.ctx;
    for (;;) {
      const r = resume(task.program);
      if (r.done) {
        // A called program ended: its caller goes on.
        const caller = task.callers.pop();
        if (caller) {
          task.program = caller;
          continue;
        }
        this.exitTask(task, cpu);
        return;
      }
      const s = r.value;
      switch (s.kind) {
        case 'work': {
          if (!(s.ns >= 0) || !Number.isFinite(s.ns)) throw new SimulationError('negative-duration', `${task.name}: work of ${s.ns} ns`);
          if (s.ns === 0) continue;
          task.workLeftNs = s.ns;
          this.armWork(cpu, task);
          return;
        }
        case 'sleep': {
          if (!(s.ns >= 0) || !Number.isFinite(s.ns)) throw new SimulationError('negative-duration', `${task.name}: sleep of ${s.ns} ns`);
          this.block(task, cpu);
          task.timer = this.engine.after(s.ns, EventPriority.task, task, TaskEvent.timer);
          return;
        }
        case 'wait': {
          const w = s.waitable!;
          k.timedOut = false;
          if (w.ready()) continue;
          if (s.ns < 0) throw new SimulationError('negative-duration', `${task.name}: wait timeout ${s.ns} ns`);
          if (s.ns === 0) {
            k.timedOut = true;
            continue;
          }
          w.addWaiter(task);
          this.block(task, cpu);
          if (Number.isFinite(s.ns)) task.timer = this.engine.after(s.ns, EventPriority.task, task, TaskEvent.timer);
          return;
        }
        case 'lock': {
          const lock = s.lock!;
          if (!lock.sleeping) task.preemptCount++; // spin_lock: preempt_disable() first
          if (lock.tryAcquire(task, s.write, this.engine.nowNs)) continue;
          lock.enqueue(task, s.write, this.engine.nowNs);
          if (lock.sleeping) {
            this.block(task, cpu);
            return;
          }
          this.updateCurr(cpu);
          this.setState(task, 'spinning');
          this.cutCpuSlice(cpu, true);
          return; // spins until TaskEvent.granted
        }
        case 'unlock': {
          const lock = s.lock!;
          const granted = this.granted;
          const n = lock.release(task, this.engine.nowNs, granted);
          // A wake-up or a scheduled event releases no lock, so nothing refills the list in this loop.
          for (let i = 0; i < n; i++) {
            const g = granted[i]!;
            if (lock.sleeping) this.wake(g);
            else this.engine.at(this.engine.nowNs, EventPriority.wakeup, g as Task, TaskEvent.granted);
          }
          if (!lock.sleeping) {
            task.preemptCount--;
            if (task.preemptCount === 0 && task.needResched) {
              this.yieldCpu(task, cpu);
              return;
            }
          }
          continue;
        }
        case 'call': {
          task.callers.push(task.program);
          task.program = s.sub!;
          s.sub = null;
          continue;
        }
        case 'cond_resched': {
          if (task.preemptCount === 0 && task.needResched) {
            this.yieldCpu(task, cpu);
            return;
          }
          continue;
        }
        default: {
          const never: never = s.kind;
          throw new SimulationError('step-kind', `unknown step ${String(never)}`);
        }
      }
    }
  }

  private exitTask(task: Task, cpu: Cpu): void {
    if (task.preemptCount !== 0) throw new SimulationError('exit-with-lock', `${task.name} exited holding ${task.preemptCount} spinlock(s)`);
    this.updateCurr(cpu);
    this.cutCpuSlice(cpu, false);
    this.setState(task, 'dead');
    task.exitNs = this.engine.nowNs;
    cpu.curr = null;
    for (const o of this.observers) o.taskExit?.(task, this.engine.nowNs);
    this.requestResched(cpu);
  }

  /** The running task goes to sleep (deactivate_task). */
  private block(task: Task, cpu: Cpu): void {
    this.updateCurr(cpu);
    this.cutCpuSlice(cpu, false);
    this.setState(task, 'sleeping');
    cpu.curr = null;
    this.requestResched(cpu);
  }

  /** preempt_schedule(): the task steps off the CPU but stays runnable. */
  private yieldCpu(task: Task, cpu: Cpu): void {
    task.needResched = false;
    task.resume = true;
    this.preemptCurr(cpu);
    this.requestResched(cpu);
  }

  // ---- CPU selection and switching ---------------------------------------

  /** select_task_rq(): idle allowed CPU of highest capacity, else the least loaded. */
  private selectCpu(task: Task): Cpu {
    let best: Cpu | null = null;
    for (const id of task.affinity.ids) {
      const c = this.cpus[id]!;
      if (!c.idle) continue;
      if (!best || c.capacity1024 > best.capacity1024 || (c.capacity1024 === best.capacity1024 && c.id === task.cpu)) best = c;
    }
    if (best) return best;
    for (const id of task.affinity.ids) {
      const c = this.cpus[id]!;
      if (!best) {
        best = c;
        continue;
      }
      if (task.isRt) {
        // RT: prefer a CPU not running RT, then the lowest-priority RT.
        const key = (x: Cpu) => (x.curr && x.curr.isRt ? x.curr.rtPriority : 0) * 1000 + x.rq.rt.length;
        if (key(c) < key(best)) best = c;
      } else if (c.nrRunning < best.nrRunning || (c.nrRunning === best.nrRunning && c.capacity1024 > best.capacity1024)) {
        best = c;
      }
    }
    return best!;
  }

  private enqueue(cpu: Cpu, task: Task): void {
    task.cpu = cpu.id;
    this.setState(task, 'runnable');
    cpu.rq.enqueue(task);
    this.requestResched(cpu);
  }

  private requestResched(cpu: Cpu): void {
    if (cpu.reschedPending) return;
    cpu.reschedPending = true;
    this.engine.at(this.engine.nowNs, EventPriority.wakeup, cpu, CpuEvent.resched);
  }

  /** __schedule(): keep, preempt or replace what the CPU runs. */
  private schedule(cpu: Cpu): void {
    const curr = cpu.curr;
    if (curr) {
      this.updateCurr(cpu);
      const next = this.pickNext(cpu);
      const mustLeave = (curr.isRt && cpu.rtThrottled) || !curr.affinity.has(cpu.id);
      if (mustLeave || (next && this.shouldPreempt(cpu, curr, next))) {
        if (curr.preemptCount > 0) {
          curr.needResched = true;
          return;
        }
        this.preemptCurr(cpu);
        const n = this.pickNext(cpu) ?? this.pull(cpu);
        if (n) this.switchIn(cpu, n);
        return;
      }
      this.armSlice(cpu);
      this.armRtThrottle(cpu);
      return;
    }
    const next = this.pickNext(cpu) ?? this.pull(cpu);
    if (next) this.switchIn(cpu, next);
  }

  private pickNext(cpu: Cpu): Task | null {
    const rq = cpu.rq;
    if (!cpu.rtThrottled) for (const t of rq.rt) if (t.affinity.has(cpu.id)) return t;
    for (const t of rq.fair) if (t.affinity.has(cpu.id)) return t;
    return null;
  }

  private shouldPreempt(cpu: Cpu, curr: Task, next: Task): boolean {
    if (curr.isRt) return next.isRt && next.rtPriority > curr.rtPriority;
    if (next.isRt) return !cpu.rtThrottled;
    return curr.vruntime - next.vruntime > this.sliceVruntime(curr);
  }

  /** The base slice in curr's vruntime units (calc_delta_fair). */
  private sliceVruntime(t: Task): number {
    return (this.params.baseSliceNs * 1024) / t.weight;
  }

  /** newidle balance: an idle CPU pulls a queued task allowed to run on it. */
  private pull(cpu: Cpu): Task | null {
    if (this.rd.nrQueued === 0) return this.pullMisfit(cpu); // most newidle balances on a phone
    let best: Task | null = null;
    let from: Cpu | null = null;
    for (const src of this.cpus) {
      if (src === cpu) continue;
      for (const t of src.rq.rt) {
        if (t.affinity.has(cpu.id) && (!best || !best.isRt || t.rtPriority > best.rtPriority)) {
          best = t;
          from = src;
        }
        break;
      }
    }
    if (!best) {
      for (const src of this.cpus) {
        if (src === cpu || src.rq.fair.length === 0) continue;
        if (from && src.nrRunning <= from.nrRunning) continue;
        const t = src.rq.fair.find((x) => x.affinity.has(cpu.id));
        if (t) {
          best = t;
          from = src;
        }
      }
    }
    if (!best) return this.pullMisfit(cpu);
    if (!from) return null;
    from.rq.remove(best);
    if (!best.isRt) best.vruntime += cpu.rq.minVruntime - from.rq.minVruntime;
    best.cpu = cpu.id;
    cpu.rq.enqueue(best);
    return best;
  }

  /**
   * Misfit migration (active balance on asymmetric CPUs): an idle CPU with
   * more capacity takes a running fair task from a smaller CPU, so a busy
   * thread does not stay on a little core while a big one idles.
   */
  private pullMisfit(cpu: Cpu): Task | null {
    let from: Cpu | null = null;
    for (const src of this.cpus) {
      // Capacity first: it rules out every CPU for a little one, which goes idle most.
      if (src.capacity1024 >= cpu.capacity1024) continue;
      const t = src.curr;
      if (!t || t.isRt || t.preemptCount > 0 || t.state !== 'running') continue;
      if (!t.affinity.has(cpu.id)) continue;
      if (!from || src.capacity1024 < from.capacity1024) from = src;
    }
    if (!from) return null;
    const t = from.curr!;
    this.preemptCurr(from);
    from.rq.remove(t);
    t.vruntime += cpu.rq.minVruntime - from.rq.minVruntime;
    t.cpu = cpu.id;
    cpu.rq.enqueue(t);
    this.requestResched(from);
    return t;
  }

  private switchIn(cpu: Cpu, next: Task): void {
    cpu.rq.remove(next);
    cpu.curr = next;
    next.cpu = cpu.id;
    cpu.lastUpdateNs = this.engine.nowNs;
    cpu.sliceStartNs = this.engine.nowNs;
    cpu.sliceSpinning = false;
    this.setState(next, 'running');
    this.onRun?.cpuStartsTask(cpu);
    if (next.resume) {
      next.resume = false;
      this.advance(next);
    } else if (next.workLeftNs > 0) {
      this.armWork(cpu, next);
    }
    if (cpu.curr === next) {
      this.armSlice(cpu);
      this.armRtThrottle(cpu);
    }
  }

  private preemptCurr(cpu: Cpu): void {
    const curr = cpu.curr!;
    this.updateCurr(cpu);
    if (curr.timer >= 0) {
      this.engine.cancel(curr.timer);
      curr.timer = -1;
    }
    this.cutCpuSlice(cpu, false);
    cpu.curr = null;
    curr.cpu = cpu.id;
    this.setState(curr, 'runnable');
    cpu.rq.enqueue(curr, true);
    if (cpu.sliceTimer >= 0) {
      this.engine.cancel(cpu.sliceTimer);
      cpu.sliceTimer = -1;
    }
  }

  private armWork(cpu: Cpu, task: Task): void {
    const wallNs = Math.ceil((task.workLeftNs * 1024) / cpu.speed1024);
    task.timer = this.engine.after(wallNs, EventPriority.task, task, TaskEvent.workDone);
  }

  private armSlice(cpu: Cpu): void {
    if (cpu.sliceTimer >= 0) {
      this.engine.cancel(cpu.sliceTimer);
      cpu.sliceTimer = -1;
    }
    const curr = cpu.curr;
    if (!curr || curr.isRt) return;
    const leftmost = cpu.rq.fair[0];
    if (!leftmost) return;
    const dtVr = leftmost.vruntime + this.sliceVruntime(curr) - curr.vruntime;
    const wallNs = Math.max(this.params.minTickNs, Math.ceil((dtVr * curr.weight) / 1024) + 1);
    cpu.sliceTimer = this.engine.after(wallNs, EventPriority.sched, cpu, CpuEvent.slice);
  }

  private armRtThrottle(cpu: Cpu): void {
    if (!this.params.rtThrottling || !cpu.curr?.isRt || cpu.rtThrottled || cpu.rtTimer >= 0) return;
    this.rollRtPeriod(cpu);
    const left = this.params.rtRuntimeNs - cpu.rtUsedNs;
    cpu.rtTimer = this.engine.after(Math.max(0, left), EventPriority.sched, cpu, CpuEvent.rtThrottle);
  }

  private rollRtPeriod(cpu: Cpu): void {
    const idx = Math.floor(this.engine.nowNs / this.params.rtPeriodNs);
    if (idx !== cpu.rtPeriodIndex) {
      cpu.rtPeriodIndex = idx;
      cpu.rtUsedNs = 0;
    }
  }

  /** update_curr(): charge elapsed time to the running task. */
  private updateCurr(cpu: Cpu): void {
    const now = this.engine.nowNs;
    const curr = cpu.curr;
    const delta = now - cpu.lastUpdateNs;
    cpu.lastUpdateNs = now;
    if (!curr || delta <= 0) return;
    cpu.invariantBusyNs += (delta * cpu.speed1024) / 1024;
    if (curr.state === 'running' && curr.workLeftNs > 0) {
      curr.workLeftNs = Math.max(0, curr.workLeftNs - (delta * cpu.speed1024) / 1024);
    }
    if (curr.isRt) {
      // Charge RT time to the rt_period it fell in; a new period starts from zero.
      const idx = Math.floor(now / this.params.rtPeriodNs);
      if (idx !== cpu.rtPeriodIndex) {
        cpu.rtPeriodIndex = idx;
        cpu.rtUsedNs = Math.min(delta, now - idx * this.params.rtPeriodNs);
      } else cpu.rtUsedNs += delta;
    } else {
      curr.vruntime += (delta * 1024) / curr.weight;
    }
    cpu.rq.updateMinVruntime(curr);
  }

  // ---- accounting and observation ----------------------------------------

  private setState(task: Task, s: TaskState): void {
    const now = this.engine.nowNs;
    task.acct.add(task.state, now - task.stateSinceNs);
    task.state = s;
    task.stateSinceNs = now;
  }

  /** Ends the CPU's current (task, spinning) stretch and starts the next. */
  private cutCpuSlice(cpu: Cpu, spinningNext: boolean): void {
    const now = this.engine.nowNs;
    if (cpu.curr && now > cpu.sliceStartNs) {
      for (const o of this.observers) o.cpuSlice?.(cpu.id, cpu.curr, cpu.sliceStartNs, now, cpu.sliceSpinning);
    }
    cpu.sliceStartNs = now;
    cpu.sliceSpinning = spinningNext;
  }

  /** Flushes open CPU stretches and state times up to now (end of run). */
  finish(): void {
    for (const cpu of this.cpus) {
      this.updateCurr(cpu);
      this.cutCpuSlice(cpu, cpu.sliceSpinning);
    }
    for (const t of this.tasks) this.setState(t, t.state);
  }

  /** The task running on a CPU right now, or null. */
  running(cpuId: number): Task | null {
    return this.cpus[cpuId]!.curr;
  }
}
