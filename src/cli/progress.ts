// A progress bar for long work: drawn only on a terminal, and only once the
// work has taken more than a second, so quick runs and pipes stay clean.
// cli-progress (and its string-width, emoji tables) loads only then.

import { createRequire } from 'node:module';
import type cliProgress from 'cli-progress';

const require = createRequire(import.meta.url);

export class Progress {
  private bar: cliProgress.SingleBar | null = null;
  private readonly startMs = Date.now();

  constructor(
    private readonly label: string,
    private readonly enabled = process.stderr.isTTY === true,
  ) {}

  update(done: number, total: number): void {
    if (!this.enabled) return;
    if (!this.bar) {
      if (Date.now() - this.startMs < 1000 && done < total) return;
      const bars = require('cli-progress') as typeof cliProgress;
      this.bar = new bars.SingleBar({ format: `${this.label} [{bar}] {value}/{total} runs, eta {eta}s`, stream: process.stderr, hideCursor: true }, bars.Presets.shades_classic);
      this.bar.start(total, done);
    }
    this.bar.setTotal(total);
    this.bar.update(done);
  }

  stop(): void {
    this.bar?.stop();
  }
}
