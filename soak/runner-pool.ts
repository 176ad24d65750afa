// A pool of long-lived runner processes (runner-child.js). Each job gets a
// wall-clock bound and an RSS bound; a runner that exceeds either is killed
// (the job is a hang or over-memory) and replaced. Processes rather than
// worker threads because a process has its own RSS to measure and can be
// killed whatever it is doing, including inside a tight synchronous loop.
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { projectRoot } from '../src/scenario/loader.js';
import type { CheckedNotice, JobResult, RunnerReply, SoakJob } from './job.js';
import { firstLine } from './outcome.js';
import { peakRssMib, resetPeakRss, rssMib } from './rss.js';

export interface Bounds {
  /** Wall-clock limit of one job (ms). */
  timeoutMs: number;
  /** RSS limit of a runner while it does one job (MiB). */
  maxRssMib: number;
}

/** How often the RSS bound is checked. */
const SAMPLE_INTERVAL_MS = 50;
/** Keep this much of a runner's stderr: enough for a fatal V8 message. */
const STDERR_TAIL_CHARS = 4000;

export function runnerScript(): string {
  // Always the compiled runner: it must start without a TypeScript loader.
  return join(projectRoot(), 'dist', 'soak', 'runner-child.js');
}

interface Pending {
  job: SoakJob;
  resolve: (r: JobResult) => void;
}

class Runner {
  private child!: ChildProcess;
  private stderr = '';
  private busy:
    { job: SoakJob; resolve: (r: JobResult) => void; timer: NodeJS.Timeout; sampler: NodeJS.Timeout; sampledPeakMib: number; checkAccepted: boolean; killedFor?: 'timeout' | 'memory' } | undefined;

  constructor(
    private readonly bounds: Bounds,
    private readonly onIdle: (r: Runner) => void,
  ) {
    this.spawn();
  }

  private spawn(): void {
    this.stderr = '';
    this.child = fork(runnerScript(), [], {
      execArgv: ['--expose-gc', `--max-old-space-size=${this.bounds.maxRssMib}`],
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      serialization: 'advanced',
    });
    this.child.stderr!.setEncoding('utf8').on('data', (d: string) => {
      this.stderr = (this.stderr + d).slice(-STDERR_TAIL_CHARS);
    });
    this.child.on('message', (m: RunnerReply | CheckedNotice) => {
      if ('checked' in m) {
        if (this.busy?.job.id === m.id) this.busy.checkAccepted = true;
      } else this.finish(m);
    });
    this.child.on('exit', (code, signal) => this.died(code, signal));
  }

  start(job: SoakJob, resolve: (r: JobResult) => void): void {
    const pid = this.child.pid!;
    resetPeakRss(pid);
    const timer = setTimeout(() => this.kill('timeout'), this.bounds.timeoutMs);
    const sampler = setInterval(() => {
      const now = rssMib(pid);
      if (now === undefined || !this.busy) return;
      this.busy.sampledPeakMib = Math.max(this.busy.sampledPeakMib, now);
      if (now > this.bounds.maxRssMib) this.kill('memory');
    }, SAMPLE_INTERVAL_MS);
    this.busy = { job, resolve, timer, sampler, sampledPeakMib: 0, checkAccepted: false };
    this.stderr = '';
    this.child.send(job);
  }

  private kill(why: 'timeout' | 'memory'): void {
    if (!this.busy || this.busy.killedFor) return;
    this.busy.killedFor = why;
    this.busy.sampledPeakMib = Math.max(this.busy.sampledPeakMib, peakRssMib(this.child.pid!) ?? 0);
    this.child.kill('SIGKILL');
  }

  private settle(result: JobResult): void {
    const b = this.busy!;
    clearTimeout(b.timer);
    clearInterval(b.sampler);
    this.busy = undefined;
    b.resolve(result);
  }

  private finish(m: RunnerReply): void {
    if (!this.busy || m.id !== this.busy.job.id || this.busy.killedFor) return;
    const peak = Math.max(this.busy.sampledPeakMib, peakRssMib(this.child.pid!) ?? 0);
    this.settle({ outcome: m.outcome, checkAccepted: m.checkAccepted, message: m.message ?? '', fingerprint: m.fingerprint, wallMs: m.wallMs, peakRssMib: peak });
    this.onIdle(this);
  }

  private died(code: number | null, signal: NodeJS.Signals | null): void {
    const b = this.busy;
    if (b) {
      const outOfMemory = /heap out of memory|Allocation failed/.test(this.stderr);
      const outcome = b.killedFor === 'timeout' ? 'hang' : b.killedFor === 'memory' || outOfMemory ? 'over-memory' : 'crash';
      const message =
        b.killedFor === 'timeout'
          ? `no answer within ${this.bounds.timeoutMs} ms`
          : b.killedFor === 'memory'
            ? `RSS above ${this.bounds.maxRssMib} MiB`
            : `runner died (code ${code}, signal ${signal}): ${firstLine(this.stderr.split('\n').find((l) => /error/i.test(l)) ?? this.stderr)}`;
      this.settle({ outcome, checkAccepted: b.checkAccepted, message, wallMs: this.bounds.timeoutMs, peakRssMib: b.sampledPeakMib });
    }
    if (this.closing) return;
    this.spawn();
    if (b) this.onIdle(this);
  }

  private closing = false;
  close(): Promise<void> {
    this.closing = true;
    if (this.child.exitCode !== null || this.child.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      this.child.once('exit', () => resolve());
      this.child.kill('SIGTERM');
    });
  }
}

export class RunnerPool {
  private readonly queue: Pending[] = [];
  private readonly idle: Runner[] = [];
  private readonly runners: Runner[] = [];

  constructor(workers: number, bounds: Bounds) {
    for (let i = 0; i < workers; i++) {
      const r = new Runner(bounds, (runner) => this.dispatch(runner));
      this.runners.push(r);
      this.idle.push(r);
    }
  }

  run(job: SoakJob): Promise<JobResult> {
    return new Promise((resolve) => {
      const runner = this.idle.pop();
      if (runner) runner.start(job, resolve);
      else this.queue.push({ job, resolve });
    });
  }

  private dispatch(runner: Runner): void {
    const next = this.queue.shift();
    if (next) runner.start(next.job, next.resolve);
    else this.idle.push(runner);
  }

  async close(): Promise<void> {
    await Promise.all(this.runners.map((r) => r.close()));
  }
}
