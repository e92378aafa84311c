/**
 * The batch half of the farm bench: K short clips in an S3 bucket, W `hls-studio worker` processes on a
 * real redis-server, every job sent with `hls-studio submit --json` and followed with
 * `hls-studio jobs list --json` until all K have completed. Each W gets a queue of its own.
 *
 * Wall time runs from the first submit to the poll that sees the last job completed (the workers are
 * already started and idle: their start-up is not counted); the queue's own times (first createdAt to
 * last finishedAt) are given beside it. CPU is the sum over the workers (GNU time, ffmpeg included, idle
 * polling included), divided by K.
 */
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import type { JobRow } from '../../src/node/farm/farm-queue.js';
import { saveTarget } from '../../src/node/publish/target-store.js';
import { s3Target, type TestS3 } from '../helpers/s3-server.js';
import { runCli, startWorker, type WorkerUsage } from './farm-workers.js';

const POLL_MS = 1000;

export interface BatchRun {
  workers: number;
  jobs: number;
  wallSec: number;
  /** Last finishedAt − first createdAt, from the queue. */
  queueSec: number;
  jobsPerHour: number;
  cpuSecPerJob: number;
  workerUsage: WorkerUsage[];
  maxWorkerRssMiB: number;
  loadBefore: number;
  loadAfter: number;
  validated?: { url: string; valid: boolean };
}

export interface BatchContext {
  cli: string;
  env: NodeJS.ProcessEnv;
  s3: TestS3;
  queueUrl: string;
  preset: string;
  /** HLS_STUDIO_CONFIG_DIR of the workers: the bench saves its publishing target there. */
  configDir: string;
}

export async function uploadClips(s3: TestS3, file: Buffer, count: number): Promise<string[]> {
  const keys = Array.from({ length: count }, (_, i) => `in/clip-${String(i + 1).padStart(2, '0')}.mp4`);
  const client = s3.client();
  for (const key of keys)
    await client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: key, Body: file }));
  return keys;
}

export async function runBatch(ctx: BatchContext, keys: string[], workers: number): Promise<BatchRun> {
  const { cli, env, s3, queueUrl } = ctx;
  const queueName = `farm-bench-w${workers}-${Date.now().toString(36)}`;
  const queueArgs = ['--queue', queueUrl, '--queue-name', queueName];
  // A saved target (public-read, as a player fetches it), as `hls-studio targets` would save it.
  const target = `bench-w${workers}`;
  await saveTarget(target, s3Target(s3, `out-w${workers}`), ctx.configDir);
  const started = await Promise.all(
    Array.from({ length: workers }, () => startWorker(cli, [...queueArgs, '--concurrency', '1'], env)),
  );
  let usage: WorkerUsage[] = [];
  try {
    const loadBefore = os.loadavg()[0]!;
    const t0 = performance.now();
    for (const key of keys) {
      const out = await runCli(
        cli,
        [
          'submit',
          `s3://${s3.bucket}/${key}`,
          ...queueArgs,
          '--target',
          target,
          '--preset',
          ctx.preset,
          '--attempts',
          '1',
          '--json',
        ],
        env,
      );
      if (!out.includes('"submitted"')) throw new Error(`submit said: ${out}`);
    }
    let rows: JobRow[] = [];
    for (;;) {
      rows = JSON.parse(await runCli(cli, ['jobs', 'list', ...queueArgs, '--json'], env)) as JobRow[];
      const failed = rows.find((r) => r.state === 'failed');
      if (failed) throw new Error(`job ${failed.id} failed: ${failed.failedReason}`);
      if (rows.length === keys.length && rows.every((r) => r.state === 'completed')) break;
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
    const wallSec = (performance.now() - t0) / 1000;
    const loadAfter = os.loadavg()[0]!;
    const created = Math.min(...rows.map((r) => Date.parse(r.createdAt)));
    const finished = Math.max(...rows.map((r) => Date.parse(r.finishedAt ?? r.createdAt)));
    const url = rows[0]?.result?.playbackUrl;
    const validated = url ? await validate(ctx, url) : undefined;
    usage = await Promise.all(started.map((w) => w.stop()));
    const cpuSec = usage.reduce((t, u) => t + u.cpuSec, 0);
    return {
      workers,
      jobs: keys.length,
      wallSec,
      queueSec: (finished - created) / 1000,
      jobsPerHour: (keys.length / wallSec) * 3600,
      cpuSecPerJob: cpuSec / keys.length,
      workerUsage: usage,
      maxWorkerRssMiB: Math.max(...usage.map((u) => u.maxProcessRssBytes)) / 2 ** 20,
      loadBefore,
      loadAfter,
      validated,
    };
  } finally {
    // Stopped above on success; on a failure, stop them here (stop() twice is harmless).
    if (usage.length === 0) await Promise.allSettled(started.map((w) => w.stop()));
  }
}

/** `hls-studio validate <playback URL> --json` (exit 0 only when valid): the package as a player fetches it. */
async function validate(ctx: BatchContext, url: string): Promise<{ url: string; valid: boolean }> {
  try {
    const report = JSON.parse(await runCli(ctx.cli, ['validate', url, '--json'], ctx.env)) as {
      valid: boolean;
    };
    return { url, valid: report.valid };
  } catch (error) {
    console.log(`validate ${url}: ${(error as Error).message.slice(0, 2000)}`);
    return { url, valid: false };
  }
}
