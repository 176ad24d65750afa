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

import { WaitQueue, type Program, type TaskCtx } from '../engine/steps.js';
import { processMrelease, type MreleaseResult } from '../kernel/exit/oom-reap.js';
import type { Kernel } from '../kernel/kernel.js';
import type { Reclaim } from '../kernel/mm/reclaim.js';
import type { KProcess } from '../kernel/process.js';
import type { Task } from '../kernel/sched/task.js';

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
}

/** Reaper CPU to kill the victim's process group (cgroup.kill / sendSignalToProcessGroup). */
const KILL_PROCESS_GROUP_NS = 20_000;
/** lmkd_setprio: SetProcessProfilesCached plus one setpriority() per victim thread. */
const SETPRIO_PER_THREAD_NS = 5_000;

export interface LmkdKill {
  pid: number;
  name: string;
  /** When SIGKILL was sent (by a reaper thread in 'mrelease'). */
  atNs: number;
  reason: string;
  /** The lmkd thread that sent it. */
  tid: number;
}

const THREAD_POOL_SIZE = 2;

export function startLmkd(K: Kernel, reclaim: Reclaim, spec: LmkdSpec, candidates: () => KProcess[]): LmkdKill[] {
  const kills: LmkdKill[] = [];
  const proc = { pid: 300, name: 'lmkd', cgroup: 'system' };
  const reapQueue: Array<{ victim: KProcess; reason: string }> = [];
  const reapWait = new WaitQueue('lmkd_reaper');
  /** Victims given to a reaper thread, killed or about to be: never picked twice. */
  const handedOff = new Set<KProcess>();
  const setprioQueue: KProcess[] = [];
  const setprioWait = new WaitQueue('lmkd_setprio');
  if (spec.reaper === 'mrelease') {
    for (let i = 0; i < THREAD_POOL_SIZE; i++) {
      K.sched.spawn({ name: `lmkd_reaper${i}`, proc, nice: -20, cpuset: 'foreground', category: 'lmkd' }, function* (k: TaskCtx, t: Task): Program {
        for (;;) {
          const req = reapQueue.shift();
          if (!req) { yield k.wait(reapWait); continue; }
          const victim = req.victim;
          yield k.work(KILL_PROCESS_GROUP_NS);
          killed(victim, t, req.reason);
          setprioQueue.push(victim);
          for (const w of setprioWait.wakeAll()) K.sched.wake(w);
          const out: { result: MreleaseResult } = { result: 'skipped' };
          yield* processMrelease(K, k, t, victim, out);
        }
      });
    }
    K.sched.spawn({ name: 'lmkd_setprio', proc, nice: -20, cpuset: 'foreground', category: 'lmkd' }, function* (k: TaskCtx): Program {
      for (;;) {
        const victim = setprioQueue.shift();
        if (!victim) { yield k.wait(setprioWait); continue; }
        for (const th of victim.threads) {
          yield k.work(SETPRIO_PER_THREAD_NS);
          if (th.state !== 'dead') K.sched.setNice(th, 0); // ANDROID_PRIORITY_NORMAL, cpuset kept
        }
      }
    });
  }
  const killed = (victim: KProcess, t: Task, reason: string) => {
    K.kill(victim);
    kills.push({ pid: victim.pid, name: victim.name, atNs: K.now, reason, tid: t.tid });
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
        killed(victim, t, reason);
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
