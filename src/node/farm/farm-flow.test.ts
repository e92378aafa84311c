import { readFile } from 'node:fs/promises';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clip } from '../../../test/helpers/clips.js';
import { settledJob } from '../../../test/helpers/farm-jobs.js';
import { testPreset } from '../../../test/helpers/encode.js';
import {
  NO_REDIS_MESSAGE,
  REDIS_SERVER,
  startRedis,
  type TestRedis,
} from '../../../test/helpers/redis-server.js';
import { listObjects, s3Target, useTestS3 } from '../../../test/helpers/s3-server.js';
import type { EncodeJobInput } from './encode-job.js';
import { startEncodeWorker, type EncodeWorker } from './encode-worker.js';
import { FarmQueue } from './farm-queue.js';

if (!REDIS_SERVER) console.warn(NO_REDIS_MESSAGE);

describe.skipIf(!REDIS_SERVER)(
  'a farm: submit → worker → published package (real Redis, real S3 server)',
  () => {
    const s3 = useTestS3();
    let redis: TestRedis;
    let queue: FarmQueue;
    let worker: EncodeWorker;
    const logs: string[] = [];

    beforeAll(async () => {
      redis = await startRedis();
      queue = new FarmQueue(redis.connection, 'flow');
      const body = await readFile(await clip('farm-in.mp4', { width: 320, height: 180, durationSec: 2 }));
      const put = (Key: string, Body: Buffer) =>
        s3.client().send(new PutObjectCommand({ Bucket: s3.bucket, Key, Body, ACL: 'public-read' }));
      await put('in/film.mp4', body);
      await put('in/poison.mp4', Buffer.from('not a video at all\n'.repeat(200)));
      worker = startEncodeWorker({
        connection: redis.connection,
        queueName: 'flow',
        credentials: s3.credentials,
        log: (line) => logs.push(line),
      });
    });
    afterAll(async () => {
      try {
        await worker?.stop(0);
        await queue?.close();
      } finally {
        await redis?.dispose();
      }
    });

    const job = (input: string, out: string): EncodeJobInput => ({
      input: `s3://${s3.bucket}/${input}`,
      out: `s3://${s3.bucket}/${out}`,
      target: s3Target(s3, ''),
      preset: { ...testPreset() },
      options: { quality: false },
    });

    const settled = (id: string, timeoutMs = 45_000) =>
      settledJob(queue, id, { timeoutMs, log: () => logs.join('\n') });

    it('a poison input fails after its attempts with a clear reason, and the good job behind it completes', async () => {
      const poison = await queue.submit(job('in/poison.mp4', 'videos/poison'), {
        attempts: 2,
        backoffMs: 200,
      });
      const good = await queue.submit(job('in/film.mp4', 'videos/good'));
      const [bad, ok] = await Promise.all([settled(poison), settled(good)]);

      expect(bad.state).toBe('failed');
      expect(bad.attemptsMade).toBe(2);
      expect(bad.failedReason).toMatch(/^(NOT_MEDIA|UNDECODABLE): .*poison/);
      expect((await listObjects(s3.client(), s3.bucket, 'videos/poison/')).size).toBe(0);

      expect(ok.state, logs.join('\n')).toBe('completed');
      expect(ok.result).toMatchObject({
        playbackUrl: `${s3.endpoint}/${s3.bucket}/videos/good/film/master.m3u8`,
        valid: true,
        verified: true,
        variants: 1,
      });
      expect(ok.progress?.ratio).toBe(1);
      const stored = await listObjects(s3.client(), s3.bucket, 'videos/good/film/');
      expect(stored.size).toBe(ok.result!.uploaded);
    });

    it('bad job data is refused at submit; a waiting job can be cancelled; a failed one retried', async () => {
      await expect(queue.submit({ input: 'x.mov', preset: 'web-compact' } as EncodeJobInput)).rejects.toThrow(
        /a job needs an output/,
      );
      await expect(queue.submit(job('', 'videos/x'))).rejects.toThrow(/names a bucket or a folder/);
      // No worker serves this queue: its jobs wait, and a waiting job is removed at once.
      const idle = new FarmQueue(redis.connection, 'idle');
      const waiting = await idle.submit(job('in/film.mp4', 'videos/never'));
      expect((await idle.list()).map((r) => [r.id, r.state])).toEqual([[waiting, 'waiting']]);
      expect(await idle.cancel(waiting)).toBe('removed');
      expect(await idle.list()).toEqual([]);
      await idle.close();

      const bad = await queue.submit(job('in/missing.mp4', 'videos/m'), { attempts: 1, backoffMs: 100 });
      const failed = await settled(bad);
      expect(failed.failedReason).toBe(`FILE_NOT_FOUND: s3://${s3.bucket}/in/missing.mp4: no such object`);
      await s3.client().send(
        new PutObjectCommand({
          Bucket: s3.bucket,
          Key: 'in/missing.mp4',
          Body: await readFile(await clip('farm-in.mp4', { width: 320, height: 180, durationSec: 2 })),
        }),
      );
      await queue.retry(bad);
      const again = await settled(bad);
      expect(again.state).toBe('completed');
      // Attempts count from zero again: this run was the first of a fresh set.
      expect(again.attemptsMade).toBe(1);
    });
  },
);
