// AOSP lmkd, reduced: poll PSI memory stall and free memory; under pressure
// kill the cached app with the highest oom_score_adj (then the largest),
// by SIGKILL; wait for its death on the pidfd (with a timeout) before the
// next kill. Variants: 'setprio' (older lmkd: the victim is raised to nice
// -20 in the foreground cpuset) and 'mrelease' (two reaper threads at nice
// -20 call process_mrelease()).

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
}

export interface LmkdKill {
  pid: number;
  name: string;
  atNs: number;
  reason: string;
}

const THREAD_POOL_SIZE = 2;

export function startLmkd(K: Kernel, reclaim: Reclaim, spec: LmkdSpec, candidates: () => KProcess[]): LmkdKill[] {
  const kills: LmkdKill[] = [];
  const proc = { pid: 300, name: 'lmkd', cgroup: 'system' };
  const reapQueue: KProcess[] = [];
  const reapWait = new WaitQueue('lmkd_reaper');
  if (spec.reaper === 'mrelease') {
    for (let i = 0; i < THREAD_POOL_SIZE; i++) {
      K.sched.spawn({ name: `lmkd_reaper${i}`, proc, nice: -20, cpuset: 'foreground', category: 'lmkd' }, function* (k: TaskCtx, t: Task): Program {
        for (;;) {
          const victim = reapQueue.shift();
          if (!victim) { yield k.wait(reapWait); continue; }
          const out: { result: MreleaseResult } = { result: 'skipped' };
          yield* processMrelease(K, k, t, victim, out);
        }
      });
    }
  }
  // PSI samples at each poll: [time, some total, full total].
  const samples: Array<[number, number, number]> = [];
  K.sched.spawn({ name: 'lmkd', proc, nice: -20, cpuset: 'system-background', category: 'lmkd' }, function* (k: TaskCtx, t: Task): Program {
    for (;;) {
      yield k.sleep(spec.pollNs);
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
      const victim = pickVictim(candidates());
      if (!victim) continue;
      yield k.work(50_000); // find_and_kill_process: /proc reads, pidfd_open
      K.kill(victim);
      kills.push({ pid: victim.pid, name: victim.name, atNs: K.now, reason });
      K.vmstat.count('lmkd_kills');
      if (K.core.trace.enabled) K.core.trace.instant(t, `kill ${victim.name}`, K.now, { reason, oom_score_adj: victim.oomScoreAdj });
      if (spec.reaper === 'setprio') {
        for (const th of victim.threads) {
          if (th.state === 'dead') continue;
          K.sched.setNice(th, -20);
          K.sched.setCpuset(th, 'foreground');
        }
      } else {
        reapQueue.push(victim);
        for (const w of reapWait.wakeAll()) K.sched.wake(w);
      }
      // Wait for the death (pidfd poll) with a timeout before the next kill.
      yield k.wait(victim.pidfd, spec.killTimeoutNs);
      samples.length = 0;
    }
  });
  return kills;
}

function pickVictim(cands: KProcess[]): KProcess | null {
  let best: KProcess | null = null;
  for (const p of cands) {
    if (p.sigkill || p.dead) continue;
    if (!best || p.oomScoreAdj > best.oomScoreAdj || (p.oomScoreAdj === best.oomScoreAdj && p.originalMm.MM_ANONPAGES > best.originalMm.MM_ANONPAGES)) best = p;
  }
  return best;
}
