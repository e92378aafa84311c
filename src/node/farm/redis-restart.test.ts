import { readFile } from 'node:fs/promises';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clip } from '../../../test/helpers/clips.js';
import { testPreset } from '../../../test/helpers/encode.js';
import {
  NO_REDIS_MESSAGE,
  REDIS_SERVER,
  startRedis,
  type TestRedis,
} from '../../../test/helpers/redis-server.js';
import { listObjects, s3Target, useTestS3 } from '../../../test/helpers/s3-server.js';
import { startEncodeWorker, type EncodeWorker } from './encode-worker.js';
import { FarmQueue, type JobRow } from './farm-queue.js';

if (!REDIS_SERVER) console.warn(NO_REDIS_MESSAGE);

describe.skipIf(!REDIS_SERVER)('Redis restarted during a run', () => {
  const s3 = useTestS3();
  let redis: TestRedis;
  let worker: EncodeWorker;
  const logs: string[] = [];

  beforeAll(async () => {
    // Persisted (append-only, fsync always), as a production Redis for a queue should be.
    redis = await startRedis({ persist: true });
    const body = await readFile(await clip('farm-restart.mp4', { width: 320, height: 180, durationSec: 6 }));
    await s3.client().send(new PutObjectCommand({ Bucket: s3.bucket, Key: 'in/film.mp4', Body: body }));
    worker = startEncodeWorker({
      connection: redis.connection,
      queueName: 'restart',
      credentials: s3.credentials,
      lockDurationMs: 10_000,
      stalledIntervalMs: 2000,
      log: (line) => logs.push(line),
    });
  });
  afterAll(async () => {
    try {
      await worker?.stop(0);
    } finally {
      await redis?.dispose();
    }
  });

  const job = (out: string) => ({
    input: `s3://${s3.bucket}/in/film.mp4`,
    out: `s3://${s3.bucket}/${out}`,
    target: s3Target(s3, ''),
    preset: { ...testPreset({ video: { speedPreset: 'faster' } }) },
    options: { quality: false },
  });

  async function until(queue: FarmQueue, id: string, done: (row: JobRow) => boolean, timeoutMs = 90_000) {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const row = await queue.row(id).catch(() => undefined);
      if (row && done(row)) return row;
      if (Date.now() > end) throw new Error(`job ${id}: ${row?.state}\n${logs.join('\n')}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  it('the worker reconnects: the job running across the restart and one queued after it both complete', async () => {
    let queue = new FarmQueue(redis.connection, 'restart');
    const during = await queue.submit(job('videos/during'));
    await until(queue, during, (r) => r.state === 'active');
    await queue.close();
    await redis.stop();
    await new Promise((r) => setTimeout(r, 1500));
    await redis.start();

    queue = new FarmQueue(redis.connection, 'restart');
    const after = await queue.submit(job('videos/after'));
    const done = (r: JobRow) => r.state === 'completed' || r.state === 'failed';
    const [first, second] = [await until(queue, during, done), await until(queue, after, done)];
    expect(first.state, first.failedReason).toBe('completed');
    expect(second.state, second.failedReason).toBe('completed');
    expect(logs.join('\n')).toMatch(/queue connection: .*\(reconnecting\)/);
    for (const [row, prefix] of [
      [first, 'videos/during/'],
      [second, 'videos/after/'],
    ] as const)
      expect((await listObjects(s3.client(), s3.bucket, prefix)).size).toBe(row.result!.uploaded);
    await queue.close();
  });
});
