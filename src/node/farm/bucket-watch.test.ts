import { readFile } from 'node:fs/promises';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTarget, type S3TargetConfig } from '../../common/publish/publish-target.js';
import {
  NO_REDIS_MESSAGE,
  REDIS_SERVER,
  startRedis,
  type TestRedis,
} from '../../../test/helpers/redis-server.js';
import { pushBucketEvents } from '../../../test/helpers/rgw-notifications.js';
import { s3Target, useTestS3 } from '../../../test/helpers/s3-server.js';
import { BucketWatch, watchJobId } from './bucket-watch.js';
import { listBucketObjects, watchedPrefix } from './bucket-listing.js';
import { startEventEndpoint } from './event-endpoint.js';
import { redisSeenSet } from './redis-seen-set.js';
import type { NewObject } from './bucket-events.js';

const s3 = useTestS3();
let redis: TestRedis;
let target: S3TargetConfig;

beforeAll(async () => {
  if (!REDIS_SERVER) return;
  redis = await startRedis({ persist: true });
  const parsed = parseTarget(s3Target(s3, 'incoming'));
  if (!parsed.ok) throw new Error(parsed.issues.join('; '));
  target = parsed.target;
});
afterAll(async () => {
  await redis?.dispose();
});

const put = (key: string, body: string) =>
  s3.client().send(new PutObjectCommand({ Bucket: s3.bucket, Key: key, Body: Buffer.from(body) }));

/** A watcher as `hls-studio watch-bucket` makes one, with its own Redis client; the queue is a list. */
function watcher(queued: string[]) {
  const client = new Redis(redis.connection);
  const watch = new BucketWatch({
    list: (signal) => listBucketObjects(target, signal, { credentials: s3.credentials }),
    seen: redisSeenSet(client, 'test-queue'),
    enqueue: async (o: NewObject, jobId: string) => {
      // BullMQ's add ignores an id it holds; a Redis hash stands in for that here.
      if ((await client.hsetnx('test-queue:jobs', jobId, o.key)) === 1) queued.push(o.key);
    },
  });
  return { watch, close: () => client.quit() };
}

/** The watcher's push endpoint on loopback, for the test bucket's folder. */
const endpointFor = (w: ReturnType<typeof watcher>) =>
  startEventEndpoint({
    host: '127.0.0.1',
    port: 0,
    bucket: s3.bucket,
    prefix: watchedPrefix(target),
    offer: (objects) => w.watch.offer(objects),
  });

describe.skipIf(!REDIS_SERVER)(
  `watch-bucket (issue 16)${REDIS_SERVER ? '' : `: ${NO_REDIS_MESSAGE}`}`,
  () => {
    it('queues each object of the prefix once, across a restart of the watcher and of Redis', async () => {
      await put('incoming/a.mp4', 'first');
      await put('incoming/b.mp4', 'second');
      await put('incoming-other/c.mp4', 'not ours'); // beside the folder, not in it
      await put('incoming/sub/', ''); // a folder marker
      const queued: string[] = [];
      const first = watcher(queued);
      const signal = AbortSignal.timeout(30_000);
      expect(await first.watch.pollOnce(signal)).toBe(2);
      expect(await first.watch.pollOnce(signal)).toBe(0);
      await first.close();

      // Redis restarts (append-only file) and a new watcher starts: nothing is queued twice.
      await redis.stop();
      await redis.start();
      const second = watcher(queued);
      expect(await second.watch.pollOnce(signal)).toBe(0);
      // A new object, and a key written again with new content, are new.
      await put('incoming/d.mp4', 'third');
      await put('incoming/a.mp4', 'first, re-exported');
      expect(await second.watch.pollOnce(signal)).toBe(2);
      await second.close();
      expect(queued.sort()).toEqual(['incoming/a.mp4', 'incoming/a.mp4', 'incoming/b.mp4', 'incoming/d.mp4']);
    });

    it('takes pushed S3 event notifications on a token-guarded endpoint, once each, alongside the listing', async () => {
      const queued: string[] = [];
      const w = watcher(queued);
      const endpoint = await endpointFor(w);
      try {
        // The body radosgw pushed on this machine, pointed at our bucket and folder.
        const recorded = JSON.parse(
          await readFile(
            new URL('../../../test/fixtures/s3-events/radosgw-put.json', import.meta.url),
            'utf8',
          ),
        ) as { Records: { s3: { bucket: { name: string }; object: { key: string; eTag: string } } }[] };
        const record = recorded.Records[0]!;
        record.s3.bucket.name = s3.bucket;
        record.s3.object.key = 'incoming/pushed.mp4';
        const post = (url: string, body: unknown) =>
          fetch(url, {
            method: 'POST',
            body: JSON.stringify(body),
            headers: { 'Content-Type': 'application/json' },
          });

        const first = await post(endpoint.url, recorded);
        expect(first.status).toBe(200);
        expect(await first.json()).toEqual({ received: 1, queued: 1 });
        // The store retries, or pushes the same object twice: still once.
        expect(await (await post(endpoint.url, recorded)).json()).toEqual({ received: 1, queued: 0 });
        expect(queued).toEqual(['incoming/pushed.mp4']);
        // The id is the object's, so a listing that later sees the same object agrees with the push.
        expect(
          watchJobId({ bucket: s3.bucket, key: 'incoming/pushed.mp4', etag: record.s3.object.eTag, size: 3 }),
        ).toMatch(/^watch-[0-9a-f]{24}$/);

        const noToken = endpoint.url.replace(/\?token=.*/, '');
        expect((await post(noToken, recorded)).status).toBe(401);
        expect((await post(`${noToken}?token=wrong`, recorded)).status).toBe(401);
        expect((await post(endpoint.url, { hello: 'world' })).status).toBe(400);
        expect((await fetch(endpoint.url)).status).toBe(405);
        const huge = await fetch(endpoint.url, { method: 'POST', body: 'x'.repeat(2 * 1024 * 1024) }).catch(
          () => undefined,
        );
        expect(huge === undefined || huge.status === 413).toBe(true);
      } finally {
        await endpoint.close();
        await w.close();
      }
    });

    // radosgw pushes bucket notifications to an HTTP endpoint on loopback (s3rver has no notifications):
    // this runs in CI's radosgw pass (S3_ENDPOINT set).
    it.runIf(process.env.S3_ENDPOINT)(
      'radosgw pushes a real upload to the endpoint and it is queued once',
      async () => {
        const queued: string[] = [];
        const w = watcher(queued);
        const endpoint = await endpointFor(w);
        try {
          await pushBucketEvents(s3, s3.bucket, endpoint.url);
          await put('incoming/from-radosgw.mp4', 'pushed by the store');
          const until = Date.now() + 20_000;
          while (!queued.includes('incoming/from-radosgw.mp4') && Date.now() < until)
            await new Promise((r) => setTimeout(r, 200));
          expect(queued).toContain('incoming/from-radosgw.mp4');
          // A listing afterwards finds the same object already seen.
          expect(await w.watch.pollOnce(AbortSignal.timeout(30_000))).toBe(0);
        } finally {
          await endpoint.close();
          await w.close();
        }
      },
    );
  },
);
