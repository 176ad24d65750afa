// AOSP lmkd, reduced: poll PSI memory stall and free memory; under pressure
// pick the cached app with the highest oom_score_adj (then the largest) and
// kill it; wait for its death on the pidfd (with a timeout) before the next
// kill. The main thread pays CPU for each poll (/proc/zoneinfo, /proc/meminfo,
// PSI) and for each kill (the candidates' /proc/<pid>/statm, pidfd_open).
//
// 'mrelease', today's lmkd (system/memory/lmkd reaper.cpp): the main thread
// hands the victim to one of THREAD_POOL_SIZE (2) reaper threads (nice -20,
// CPUSET_SP_FOREGROUND), which kill its process group, queue it for the
// lmkd_setprio thread (victim to ANDROID_PRIORITY_NORMAL, nice 0, with the
// LMKD_REAP_TARGET profiles: here it keeps its background cgroup and cpuset)
// and call process_mrelease() on it, freeing its memory in the reaper's own
// context while the victim exits on the little cores.
// 'setprio', older lmkd: the main thread kills and raises the victim to nice
// -20 in the foreground cpuset (set_process_group_and_prio SP_FOREGROUND,
// ANDROID_PRIORITY_HIGHEST); no process_mrelease().
//
// kill_method 'cgroup-kill' (T.J. Mercier, seeds/002): the kill writes the
// app cgroup's cgroup.kill, which runs under cgroup_mutex ("one of our most
// heavily contended locks"), a sleeping mutex; 'signal' (today) sends
// SIGKILL to the process group without it. Other holders of cgroup_mutex
// (cgroup attach/migration by system services as apps change state) are
// modeled as system_server threads taking it at a Poisson rate, whatever
// the kill method, so contention comes from the mechanism.

import { WaitQueue, type Program, type TaskCtx } from '../engine/steps.js';
import { processMrelease, type MreleaseResult } from '../kernel/exit/oom-reap.js';
import type { Kernel } from '../kernel/kernel.js';
import type { Reclaim } from '../kernel/mm/reclaim.js';
import type { KProcess } from '../kernel/process.js';
import type { Task } from '../kernel/sched/task.js';
import type { QueuedLock } from '../kernel/locking/queued-lock.js';

export interface LmkdSpec {
  reaper: 'setprio' | 'mrelease';
  psiPartialStallNs: number;
  psiCompleteStallNs: number;
  psiWindowNs: number;
  minfreePages: number;
  killTimeoutNs: number;
  pollNs: number;
  /** Main thread CPU per poll: PSI, /proc/zoneinfo and /proc/meminfo parsing. */
  pollCpuNs: number;
  /** Main thread CPU per kill: find_and_kill_process over the candidates' /proc files, pidfd_open. */
  killCpuNs: number;
  /** How the kill is sent: SIGKILL to the process group, or cgroup.kill under cgroup_mutex. Default 'signal'. */
  killMethod?: 'signal' | 'cgroup-kill';
  /** Other cgroup_mutex holders (cgroup migrations by system services), holds per second; 0 = none. */
  cgroupMutexHoldsPerS?: number;
  /** CPU each such holder does under cgroup_mutex. */
  cgroupMutexHoldNs?: number;
}

/** Reaper CPU to kill the victim's process group (cgroup.kill / sendSignalToProcessGroup). */
const KILL_PROCESS_GROUP_NS = 20_000;
/** lmkd_setprio: SetProcessProfilesCached plus one setpriority() per victim thread. */
const SETPRIO_PER_THREAD_NS = 5_000;

/** The LMKD variants `swaplab list` names: lmkd.reaper and lmkd.kill_method values. */
export const LMKD_VARIANTS: ReadonlyArray<readonly [string, string]> = [
  ['reaper=mrelease', "today's lmkd: a reaper thread kills and calls process_mrelease() (default)"],
  ['reaper=setprio', 'older lmkd: the main thread kills and raises the victim to nice -20, foreground'],
  ['kill_method=signal', 'SIGKILL to the process group (default)'],
  ['kill_method=cgroup-kill', 'T.J. Mercier: cgroup.kill, under cgroup_mutex (other holders: lmkd.cgroup_mutex_holds_per_s)'],
];

export interface LmkdKill {
  pid: number;
  name: string;
  /** When SIGKILL was sent (by a reaper thread in 'mrelease'). */
  atNs: number;
  reason: string;
  /** The lmkd thread that sent it. */
  tid: number;
  /** With cgroup.kill: how long the killing thread waited for cgroup_mutex (0 for a signal). */
  cgroupMutexWaitNs: number;
}

const THREAD_POOL_SIZE = 2;
/** cgroup.kill: kernfs write and cgroup_kn_lock_live, outside the mutex. */
const CGROUP_KILL_WRITE_NS = 15_000;
/** __cgroup_kill under cgroup_mutex: css_task_iter and send_sig per thread. */
const CGROUP_KILL_PER_THREAD_NS = 3_000;
/** system_server threads that migrate tasks between cgroups (the other cgroup_mutex holders). */
const CGROUP_MIGRATION_THREADS = 2;

/**
 * Other holders of cgroup_mutex: cgroup_attach_task()/cgroup.procs writes
 * by system services, each holding the mutex for `holdNs` of CPU, Poisson
 * arrivals at `perS` in all.
 */
function startCgroupMigrations(K: Kernel, mutex: QueuedLock, perS: number, holdNs: number): void {
  const rng = K.engine.rng.stream('cgroup_migrations');
  const meanGapNs = (CGROUP_MIGRATION_THREADS / perS) * 1e9;
  const proc = { pid: 310, name: 'system_server', cgroup: 'system' };
  for (let i = 0; i < CGROUP_MIGRATION_THREADS; i++) {
    K.sched.spawn({ name: `cgroup_migrate${i}`, proc, nice: 0, cpuset: 'foreground', category: 'system' }, function* (k: TaskCtx): Program {
      for (;;) {
        yield k.sleep(Math.max(1, Math.round(-Math.log(1 - rng.float()) * meanGapNs)));
        yield k.lock(mutex);
        yield k.work(holdNs);
        yield k.unlock(mutex);
      }
    });
  }
}

export function startLmkd(K: Kernel, reclaim: Reclaim, spec: LmkdSpec, candidates: () => KProcess[]): LmkdKill[] {
  const kills: LmkdKill[] = [];
  const proc = { pid: 300, name: 'lmkd', cgroup: 'system' };
  const reapQueue: Array<{ victim: KProcess; reason: string }> = [];
  const reapWait = new WaitQueue('lmkd_reaper');
  /** Victims given to a reaper thread, killed or about to be: never picked twice. */
  const handedOff = new Set<KProcess>();
  const setprioQueue: KProcess[] = [];
  const setprioWait = new WaitQueue('lmkd_setprio');
  // Created only when something takes it, so scenarios without it keep their lock list.
  const usesCgroupMutex = spec.killMethod === 'cgroup-kill' || (spec.cgroupMutexHoldsPerS ?? 0) > 0;
  const cgroupMutex = usesCgroupMutex ? K.core.locks.mutex('cgroup_mutex') : null;
  if (cgroupMutex && (spec.cgroupMutexHoldsPerS ?? 0) > 0) startCgroupMigrations(K, cgroupMutex, spec.cgroupMutexHoldsPerS!, spec.cgroupMutexHoldNs ?? 0);
  /** cgroup.kill of the victim's app cgroup (T.J. Mercier's proposal). */
  function* cgroupKill(k: TaskCtx, t: Task, victim: KProcess, reason: string): Program {
    yield k.work(CGROUP_KILL_WRITE_NS);
    const t0 = K.now;
    yield k.lock(cgroupMutex!);
    const waitNs = K.now - t0;
    K.vmstat.count('lmkd_cgroup_kill_wait_us', Math.round(waitNs / 1000));
    yield k.work(CGROUP_KILL_PER_THREAD_NS * victim.threads.length);
    killed(victim, t, reason, waitNs);
    yield k.unlock(cgroupMutex!);
  }
  if (spec.reaper === 'mrelease') {
    for (let i = 0; i < THREAD_POOL_SIZE; i++) {
      K.sched.spawn({ name: `lmkd_reaper${i}`, proc, nice: -20, cpuset: 'foreground', category: 'lmkd' }, function* (k: TaskCtx, t: Task): Program {
        for (;;) {
          const req = reapQueue.shift();
          if (!req) {
            yield k.wait(reapWait);
            continue;
          }
          const victim = req.victim;
          if (spec.killMethod === 'cgroup-kill') yield* cgroupKill(k, t, victim, req.reason);
          else {
            yield k.work(KILL_PROCESS_GROUP_NS);
            killed(victim, t, req.reason, 0);
          }
          setprioQueue.push(victim);
          for (const w of setprioWait.wakeAll()) K.sched.wake(w);
          const out: { result: MreleaseResult } = { result: 'skipped' };
          yield k.call(processMrelease(K, k, t, victim, out));
        }
      });
    }
    K.sched.spawn({ name: 'lmkd_setprio', proc, nice: -20, cpuset: 'foreground', category: 'lmkd' }, function* (k: TaskCtx): Program {
      for (;;) {
        const victim = setprioQueue.shift();
        if (!victim) {
          yield k.wait(setprioWait);
          continue;
        }
        for (const th of victim.threads) {
          yield k.work(SETPRIO_PER_THREAD_NS);
          if (th.state !== 'dead') K.sched.setNice(th, 0); // ANDROID_PRIORITY_NORMAL, cpuset kept
        }
      }
    });
  }
  const killed = (victim: KProcess, t: Task, reason: string, cgroupMutexWaitNs: number) => {
    K.kill(victim);
    kills.push({ pid: victim.pid, name: victim.name, atNs: K.now, reason, tid: t.tid, cgroupMutexWaitNs });
    K.vmstat.count('lmkd_kills');
    if (K.core.trace.enabled) K.core.trace.instant(t, `kill ${victim.name}`, K.now, { reason, oom_score_adj: victim.oomScoreAdj });
  };
  // PSI samples at each poll: [time, some total, full total].
  const samples: Array<[number, number, number]> = [];
  K.sched.spawn({ name: 'lmkd', proc, nice: -20, cpuset: 'system-background', category: 'lmkd' }, function* (k: TaskCtx, t: Task): Program {
    for (;;) {
      yield k.sleep(spec.pollNs);
      yield k.work(spec.pollCpuNs);
      const now = K.now;
      const psi = reclaim.psi.read();
      samples.push([now, psi.someNs, psi.fullNs]);
      while (samples.length > 1 && samples[0]![0] < now - spec.psiWindowNs) samples.shift();
      const first = samples[0]!;
      const some = psi.someNs - first[1];
      const full = psi.fullNs - first[2];
      let reason = '';
      if (full >= spec.psiCompleteStallNs) reason = 'psi_complete';
      else if (some >= spec.psiPartialStallNs && K.zone.freePages < spec.minfreePages * 2) reason = 'psi_partial';
      else if (K.zone.freePages < spec.minfreePages) reason = 'minfree';
      if (!reason) continue;
      const victim = pickVictim(candidates(), handedOff);
      if (!victim) continue;
      yield k.work(spec.killCpuNs);
      if (spec.reaper === 'setprio') {
        if (spec.killMethod === 'cgroup-kill') yield* cgroupKill(k, t, victim, reason);
        else killed(victim, t, reason, 0);
        for (const th of victim.threads) {
          if (th.state === 'dead') continue;
          K.sched.setNice(th, -20);
          K.sched.setCpuset(th, 'foreground');
        }
      } else {
        // Reaper::async_kill(): the kill itself happens on a reaper thread.
        handedOff.add(victim);
        reapQueue.push({ victim, reason });
        for (const w of reapWait.wakeAll()) K.sched.wake(w);
      }
      // Wait for the death (pidfd poll) with a timeout before the next kill.
      yield k.wait(victim.pidfd, spec.killTimeoutNs);
      samples.length = 0;
    }
  });
  return kills;
}

function pickVictim(cands: KProcess[], handedOff: ReadonlySet<KProcess>): KProcess | null {
  let best: KProcess | null = null;
  for (const p of cands) {
    if (p.sigkill || p.dead || handedOff.has(p)) continue;
    if (!best || p.oomScoreAdj > best.oomScoreAdj || (p.oomScoreAdj === best.oomScoreAdj && p.originalMm.MM_ANONPAGES > best.originalMm.MM_ANONPAGES)) best = p;
  }
  return best;
}
