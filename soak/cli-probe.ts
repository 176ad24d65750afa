// Run the swaplab binary as a user would, under a time and an RSS bound, and
// classify the result by exit code and message (classifyProcessEnd).
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { projectRoot } from '../src/scenario/loader.js';
import type { JobResult } from './job.js';
import { classifyProcessEnd, firstLine } from './outcome.js';
import type { Bounds } from './runner-pool.js';
import { peakRssMib, rssMib } from './rss.js';

const SAMPLE_INTERVAL_MS = 50;
const OUTPUT_TAIL_CHARS = 4000;

/** The CLI entry point, as `npm run build` compiles it. */
export const cliScript = () => join(projectRoot(), 'dist', 'src', 'cli', 'main.js');

export interface CliResult extends JobResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Lines on stderr: a user error should be one line, never a stack trace. */
  stderrLines: number;
}

export function runCli(args: string[], bounds: Bounds, cwd = projectRoot()): Promise<CliResult> {
  return new Promise((resolve) => {
    const t0 = Date.now();
    const child = spawn(process.execPath, [cliScript(), ...args], { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr = (stderr + d).slice(-OUTPUT_TAIL_CHARS);
    });
    let timedOut = false;
    let overMemory = false;
    let peak = 0;
    const sample = () => {
      peak = Math.max(peak, peakRssMib(child.pid!) ?? 0);
      if ((rssMib(child.pid!) ?? 0) > bounds.maxRssMib && !overMemory) {
        overMemory = true;
        child.kill('SIGKILL');
      }
    };
    const sampler = setInterval(sample, SAMPLE_INTERVAL_MS);
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, bounds.timeoutMs);
    child.on('exit', (code, signal) => {
      clearInterval(sampler);
      clearTimeout(timer);
      const outcome = classifyProcessEnd({ code, signal, timedOut, overMemory, stderr });
      const message = timedOut ? `no exit within ${bounds.timeoutMs} ms` : overMemory ? `RSS above ${bounds.maxRssMib} MiB` : firstLine(stderr);
      const stderrLines = stderr.split('\n').filter((l) => l.trim()).length;
      resolve({ outcome, checkAccepted: code === 0, message, wallMs: Date.now() - t0, peakRssMib: peak, code, signal, stderrLines });
    });
  });
}
