// Resident memory of a child process, from /proc/<pid>/status (Linux).
import { readFileSync, writeFileSync } from 'node:fs';

function statusField(pid: number, field: 'VmRSS' | 'VmHWM'): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
    return m ? Number(m[1]) / 1024 : undefined;
  } catch {
    return undefined; // the process is gone
  }
}

/** Current resident set (MiB), or undefined when the process has exited. */
export const rssMib = (pid: number) => statusField(pid, 'VmRSS');

/** Peak resident set since start or since the last resetPeakRss (MiB). */
export const peakRssMib = (pid: number) => statusField(pid, 'VmHWM');

/**
 * Reset VmHWM to the current RSS (writing 5 to clear_refs, Linux >= 4.0), so a
 * long-lived runner reports each job's own peak. Returns false where that is
 * not allowed; callers then rely on sampled RSS alone.
 */
export function resetPeakRss(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}
