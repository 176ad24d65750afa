// `swaplab worker --redis URL`: takes runs off the BullMQ queue and runs them
// in worker threads (the event loop stays free to renew job locks, so a long
// run is not mistaken for a dead worker), returning each RunRecord.
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { UnrecoverableError, Worker } from 'bullmq';
import { Piscina } from 'piscina';
import type { RunRecord } from '../metrics/types.js';
import { checkReachable, QUEUE_NAME, redisConnection, type RunJobData } from './redis.js';
import { codeVersion } from './scenario-key.js';
import type { SweepTask } from './worker.js';

export interface RedisWorkerOptions {
  url: string;
  /** Runs at once (worker threads); default os.availableParallelism(). */
  threads?: number;
  /** How long a job's lock lasts unrenewed, ms: a dead worker's job is handed on after about this long. */
  lockMs?: number;
  log?: (line: string) => void;
}

export async function startRedisWorker(o: RedisWorkerOptions): Promise<{ close(): Promise<void> }> {
  await checkReachable(o.url);
  const threads = Math.max(1, o.threads ?? availableParallelism());
  const lockMs = o.lockMs ?? 30_000;
  const version = codeVersion();
  const pool = new Piscina<SweepTask, RunRecord>({
    // '../sweep/': also right from the bundled chunks in dist/src/chunks/ (scripts/bundle-cli.ts).
    filename: fileURLToPath(new URL('../sweep/worker.js', import.meta.url)),
    minThreads: threads,
    maxThreads: threads,
  });
  const log = o.log ?? (() => {});
  const worker = new Worker<RunJobData, RunRecord>(
    QUEUE_NAME,
    async (job) => {
      const { scenario, policy, seed } = job.data;
      // Same code or nothing: a result must equal a local run of the same key.
      if (job.data.codeVersion !== version) throw new UnrecoverableError(`worker runs ${version}, the run was submitted by ${job.data.codeVersion}`);
      log(`start ${job.id}`);
      const rec = await pool.run({ scenario, policy, seed });
      log(`done ${job.id}`);
      return rec;
    },
    { connection: redisConnection(o.url), concurrency: threads, lockDuration: lockMs, stalledInterval: lockMs, maxStalledCount: 5 },
  );
  worker.on('error', (err) => log(`error ${err.message}`));
  await worker.waitUntilReady();
  return {
    async close() {
      await worker.close();
      await pool.destroy();
    },
  };
}
