import { readFile } from 'node:fs/promises';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import HLS from 'hls-parser';
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
import { listObjects, objectBytes, s3Target, useTestS3 } from '../../../test/helpers/s3-server.js';
import type { EncodeJobInput } from './encode-job.js';
import { startEncodeWorker, type EncodeWorker } from './encode-worker.js';
import { FarmQueue } from './farm-queue.js';
import { PARTS_FOLDER } from './part-job.js';

if (!REDIS_SERVER) console.warn(NO_REDIS_MESSAGE);

interface Segments {
  count: number;
  totalSec: number;
  discontinuities: number;
}

describe.skipIf(!REDIS_SERVER)(
  'a chunked film on the farm: part jobs on two workers, a stitch job (BullMQ flow, real Redis and S3)',
  () => {
    const s3 = useTestS3();
    let redis: TestRedis;
    let queue: FarmQueue;
    const workers: EncodeWorker[] = [];
    const logs: string[][] = [[], []];

    beforeAll(async () => {
      redis = await startRedis();
      queue = new FarmQueue(redis.connection, 'chunks');
      const film = await readFile(await clip('farm-film.mp4', { width: 320, height: 180, durationSec: 9 }));
      await s3
        .client()
        .send(
          new PutObjectCommand({ Bucket: s3.bucket, Key: 'in/film.mp4', Body: film, ACL: 'public-read' }),
        );
      for (const k of [0, 1])
        workers.push(
          startEncodeWorker({
            connection: redis.connection,
            queueName: 'chunks',
            credentials: s3.credentials,
            log: (line) => logs[k]!.push(line),
          }),
        );
    });
    afterAll(async () => {
      try {
        await Promise.all(workers.map((w) => w.stop(0)));
        await queue?.close();
      } finally {
        await redis?.dispose();
      }
    });

    const job = (out: string, extra: Partial<EncodeJobInput> = {}): EncodeJobInput => ({
      input: `s3://${s3.bucket}/in/film.mp4`,
      out: `s3://${s3.bucket}/${out}`,
      target: s3Target(s3, ''),
      preset: {
        ...testPreset({
          rungs: [
            { width: 320, height: 180, bitrateKbps: 250 },
            { width: 192, height: 108, bitrateKbps: 120 },
          ],
        }),
      },
      options: { quality: false },
      ...extra,
    });

    /** Progress seen on each job while its parts ran. */
    const partsProgress = new Map<string, number[]>();

    const settled = (id: string) =>
      settledJob(queue, id, {
        timeoutMs: 100_000,
        log: () => logs.flat().join('\n'),
        onRow: (row) => {
          if (row.state === 'waiting-children' && row.progress)
            partsProgress.set(id, [...(partsProgress.get(id) ?? []), row.progress.ratio]);
        },
      });

    async function mediaPlaylists(prefix: string): Promise<Map<string, Segments>> {
      const keys = [...(await listObjects(s3.client(), s3.bucket, prefix)).keys()];
      const out = new Map<string, Segments>();
      for (const key of keys.filter((k) => k.endsWith('/index.m3u8') && !k.includes('iframe'))) {
        const text = (await objectBytes(s3.client(), s3.bucket, key)).toString('utf8');
        const segments = (HLS.parse(text) as InstanceType<typeof HLS.types.MediaPlaylist>).segments;
        out.set(key.slice(prefix.length), {
          count: segments.length,
          totalSec: Math.round(segments.reduce((sum, s) => sum + s.duration, 0) * 100) / 100,
          discontinuities: (text.match(/#EXT-X-DISCONTINUITY\b/g) ?? []).length,
        });
      }
      return out;
    }

    it('is encoded by both workers, stitched, validated and published like a one-pass film; its parts are removed', async () => {
      const chunked = await queue.submit(job('videos/chunked', { chunks: 3 }));
      const onePass = await queue.submit(job('videos/one'));
      const [flow, single] = await Promise.all([settled(chunked), settled(onePass)]);
      expect(flow.state, logs.flat().join('\n')).toBe('completed');
      expect(single.state, logs.flat().join('\n')).toBe('completed');
      expect(flow.part).toBe('stitch of 3 chunks');
      // While its parts ran, the film showed their progress, within the parts' share of the job.
      const seen = partsProgress.get(chunked) ?? [];
      expect(Math.max(...seen)).toBeGreaterThan(0);
      expect(Math.max(...seen)).toBeLessThanOrEqual(0.8);
      expect(flow.progress?.ratio).toBe(1);
      expect(flow.result).toMatchObject({ valid: true, verified: true, variants: 2 });
      expect(flow.result!.playbackUrl).toBe(`${s3.endpoint}/${s3.bucket}/videos/chunked/film/master.m3u8`);

      // Every part ran as its own job, and both workers took some.
      const parts = (await queue.list(100)).filter((r) => r.id.startsWith(`${chunked}-`));
      expect(parts.map((r) => r.part).sort()).toEqual([
        'chunk 1 of 3',
        'chunk 2 of 3',
        'chunk 3 of 3',
        'film-long audio',
      ]);
      for (const p of parts) {
        expect(p.state).toBe('completed');
        expect(p.partResult!.files).toBeGreaterThan(0);
      }
      for (const log of logs)
        expect(log.some((l) => /\((chunk \d of 3|film-long audio)\)/.test(l))).toBe(true);

      // The same playlists, segment for segment, as the one-pass encode; no discontinuity at the joins.
      const stitched = await mediaPlaylists('videos/chunked/film/');
      const reference = await mediaPlaylists('videos/one/film/');
      expect([...stitched.keys()].sort()).toEqual([...reference.keys()].sort());
      for (const [uri, s] of stitched) {
        const r = reference.get(uri)!;
        expect(s.count, uri).toBe(r.count);
        expect(s.totalSec).toBeCloseTo(r.totalSec, 1);
        expect(s.discontinuities).toBe(0);
      }
      const notes = JSON.parse(
        (await objectBytes(s3.client(), s3.bucket, 'videos/chunked/film/video.json')).toString('utf8'),
      ) as { validation: { valid: boolean } };
      expect(notes.validation.valid).toBe(true);
      expect((await listObjects(s3.client(), s3.bucket, `${PARTS_FOLDER}/`)).size).toBe(0);
    });

    it('a part that fails for good fails the film with its reason; a waiting film can be cancelled', async () => {
      await s3.client().send(
        new PutObjectCommand({
          Bucket: s3.bucket,
          Key: 'in/poison.mp4',
          Body: Buffer.from('not a video\n'.repeat(300)),
        }),
      );
      const poison = await queue.submit(
        job('videos/poison', { input: `s3://${s3.bucket}/in/poison.mp4`, chunks: 2 }),
        {
          attempts: 1,
          backoffMs: 100,
        },
      );
      const failed = await settled(poison);
      expect(failed.state).toBe('failed');
      expect(failed.failedReason ?? JSON.stringify(failed)).toMatch(/(NOT_MEDIA|UNDECODABLE): .*poison/);
      expect((await listObjects(s3.client(), s3.bucket, 'videos/poison/')).size).toBe(0);

      await expect(queue.submit(job('videos/x', { chunks: 2, options: { ladder: 'auto' } }))).rejects.toThrow(
        /a chunked job takes the fixed ladder/,
      );
      // No worker serves this queue: the film and its parts wait, and cancelling removes them all.
      const idle = new FarmQueue(redis.connection, 'idle-chunks');
      const waiting = await idle.submit(job('videos/never', { chunks: 2 }));
      expect((await idle.row(waiting))?.state).toBe('waiting-children');
      expect(await idle.cancel(waiting)).toBe('removed');
      const left = await idle.list();
      expect(left.filter((r) => r.state !== 'failed' && r.state !== 'completed')).toEqual([]);
      await idle.close();
    });
  },
);
