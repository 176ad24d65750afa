// A progress bar for long work: drawn only on a terminal, and only once the
// work has taken more than a second, so quick runs and pipes stay clean.

import cliProgress from 'cli-progress';

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
      this.bar = new cliProgress.SingleBar({ format: `${this.label} [{bar}] {value}/{total} runs, eta {eta}s`, stream: process.stderr, hideCursor: true }, cliProgress.Presets.shades_classic);
      this.bar.start(total, done);
    }
    this.bar.setTotal(total);
    this.bar.update(done);
  }

  stop(): void {
    this.bar?.stop();
  }
}
