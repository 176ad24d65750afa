// A whole `swaplab` process, timed from outside (wall) and from inside
// (SWAPLAB_TIMING=1, src/cli/phase-timing.ts: each phase's mark and the CPU
// time of every thread). For bench/sweep.ts and bench/performance.ts.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

/** The built CLI, as `npm run build` leaves it (this file runs as dist/bench/cli-process.js). */
export const CLI = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'cli', 'main.js');

export interface CliRun {
  /** Whole process, spawn to exit, ms. */
  wall: number;
  /** The process's marks (ms since it started) and `cpu` (ms of CPU, all threads). */
  marks: Record<string, number>;
  stdout: string;
}

/** Run `command` (node and its arguments) with SWAPLAB_TIMING=1; throws if it fails. */
export function timeProcess(command: string[]): CliRun {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, command, { encoding: 'utf8', maxBuffer: 1 << 26, env: { ...process.env, SWAPLAB_TIMING: '1' } });
  const wall = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${command.join(' ')} exited ${r.status}: ${r.stderr.slice(-500)}`);
  return { wall, marks: timingMarks(r.stderr), stdout: r.stdout };
}

/** The marks and `cpu` of the `swaplab-timing` line a process wrote to stderr ({} without one). */
export function timingMarks(stderr: string): Record<string, number> {
  const line = stderr.split('\n').find((l) => l.startsWith('swaplab-timing '));
  return line ? (JSON.parse(line.slice('swaplab-timing '.length)) as Record<string, number>) : {};
}

export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
