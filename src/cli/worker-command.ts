// `swaplab worker --redis URL`: run sweep jobs queued by `sweep` or `compare`
// with --redis, on this machine, until interrupted. One line per job on
// stdout ("start <id>", "done <id>") so an operator or a test can follow it.
import { InvalidArgumentError, type Command } from 'commander';

function positiveInt(what: string, max: number) {
  return (text: string): number => {
    const n = Number(text);
    if (!/^\d+$/.test(text) || n < 1 || n > max) throw new InvalidArgumentError(`${what} must be an integer 1..${max}, got ${JSON.stringify(text)}`);
    return n;
  };
}

export function registerWorkerCommand(program: Command): void {
  program
    .command('worker')
    .description('run the runs that sweep/compare --redis queue, until interrupted (start one per machine)')
    .requiredOption('--redis <url>', 'the Redis the submitter queues on, e.g. redis://10.0.0.5:6379')
    .option('--threads <n>', 'runs at once (default: the number of CPUs)', positiveInt('--threads', 1024))
    .option('--lock-ms <ms>', 'a job whose worker is silent this long is given to another worker', positiveInt('--lock-ms', 3_600_000), 30_000)
    .action(async (o: { redis: string; threads?: number; lockMs: number }) => {
      // BullMQ loads only for `worker`.
      const { startRedisWorker } = await import('../sweep/redis-worker.js');
      const worker = await startRedisWorker({
        url: o.redis,
        lockMs: o.lockMs,
        ...(o.threads !== undefined ? { threads: o.threads } : {}),
        log: (line) => console.log(line),
      });
      console.log(`worker ready on ${o.redis} (pid ${process.pid})`);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await worker.close();
    });
}
