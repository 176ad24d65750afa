// Per-lock statistics, the fields of /proc/lock_stat that matter here.
export class LockStats {
  acquisitions = 0;
  contended = 0;
  totalWaitNs = 0;
  maxWaitNs = 0;
  totalHoldNs = 0;

  recordWait(waitNs: number): void {
    this.contended++;
    this.totalWaitNs += waitNs;
    if (waitNs > this.maxWaitNs) this.maxWaitNs = waitNs;
  }
}
