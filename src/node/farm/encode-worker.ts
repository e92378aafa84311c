import { Queue, Worker } from 'bullmq';
import type { StaticCredentials } from '../publish/s3-client.js';
import { DEFAULT_QUEUE_NAME, WORKER_DEFAULTS, type FarmJobResult } from './encode-job.js';
import { processEncodeJob } from './job-processor.js';
import { redisClient } from './redis-client.js';
import type { RedisConnection } from './redis-url.js';

export interface EncodeWorkerOptions {
  connection: RedisConnection;
  queueName?: string;
  /** Jobs run at once by this process (default 1: one encode already uses every core). */
  concurrency?: number;
  /** How long a job's lock lives without renewal; a killed worker's job is taken over after it (ms). */
  lockDurationMs?: number;
  /** How often workers look for stalled jobs (ms). */
  stalledIntervalMs?: number;
  /** Stalls (lost locks) a job survives before it fails. */
  maxStalledCount?: number;
  env?: NodeJS.ProcessEnv;
  credentials?: StaticCredentials;
  log?: (line: string) => void;
}

export interface EncodeWorker {
  /**
   * Stops taking jobs and lets the current ones finish for up to `graceMs`; after that they are
   * cancelled and handed back to the queue (to the wait list, without spending an attempt).
   * Resolves when the worker is closed, with the ids of the jobs handed back.
   */
  stop(graceMs: number): Promise<{ handedBack: string[] }>;
  worker: Worker;
}

/** A BullMQ worker that runs encode jobs with the engine. */
export function startEncodeWorker(options: EncodeWorkerOptions): EncodeWorker {
  const queueName = options.queueName ?? DEFAULT_QUEUE_NAME;
  const log = options.log ?? (() => {});
  // Reading a job's data for `jobs cancel` (the worker's own connection is blocked waiting for jobs).
  const client = redisClient(options.connection, 'worker');
  const queue = new Queue(queueName, { connection: client });
  queue.on('error', () => {});
  let handingBack = false;
  const active = new Map<string, AbortController>();
  const worker = new Worker<unknown, FarmJobResult>(
    queueName,
    async (job, token, signal) => {
      const controller = new AbortController();
      active.set(job.id!, controller);
      const onAbort = () => controller.abort(signal?.reason);
      signal?.addEventListener('abort', onAbort, { once: true });
      try {
        return await processEncodeJob(job, token, controller.signal, {
          ...(options.env ? { env: options.env } : {}),
          ...(options.credentials ? { credentials: options.credentials } : {}),
          log,
          handingBack: () => handingBack,
          cancelRequested: async (id) =>
            Boolean(((await queue.getJob(id))?.data as { cancelRequested?: string })?.cancelRequested),
        });
      } finally {
        active.delete(job.id!);
        signal?.removeEventListener('abort', onAbort);
      }
    },
    {
      connection: client,
      concurrency: options.concurrency ?? 1,
      lockDuration: options.lockDurationMs ?? WORKER_DEFAULTS.lockDurationMs,
      stalledInterval: options.stalledIntervalMs ?? WORKER_DEFAULTS.stalledIntervalMs,
      maxStalledCount: options.maxStalledCount ?? WORKER_DEFAULTS.maxStalledCount,
    },
  );
  // Redis going away (a restart, a failover) is logged once per outage; ioredis reconnects by itself.
  let down = false;
  worker.on('error', (error) => {
    if (!down) log(`queue connection: ${error.message} (reconnecting)`);
    down = true;
  });
  worker.on('ready', () => {
    if (down) log('queue connection: back');
    down = false;
  });
  worker.on('stalled', (id) =>
    log(`job ${id}: stalled (its worker stopped renewing the lock); back in the queue`),
  );

  return {
    worker,
    stop: async (graceMs) => {
      const handedBack: string[] = [];
      const timer = setTimeout(() => {
        handingBack = true;
        for (const [id, controller] of active) {
          handedBack.push(id);
          controller.abort(new Error('worker shutting down'));
        }
      }, graceMs);
      try {
        await worker.close();
      } finally {
        clearTimeout(timer);
        await queue.close();
        client.disconnect();
      }
      return { handedBack };
    },
  };
}
