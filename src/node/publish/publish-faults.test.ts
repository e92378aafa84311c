import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ListMultipartUploadsCommand } from '@aws-sdk/client-s3';
import { afterAll, describe, expect, it } from 'vitest';
import { StudioError } from '../../common/errors.js';
import type { PublishEvent } from '../../common/publish/publish-events.js';
import { startFaultProxy, type ProxyLogEntry } from '../../../test/helpers/fault-proxy.js';
import {
  makeFakePackage,
  type FakePackage,
  removeFakePackages,
} from '../../../test/helpers/publish-fixture.js';
import { listObjects, objectBytes, s3Target, useTestS3 } from '../../../test/helpers/s3-server.js';
import { digestBuffer } from './file-digest.js';
import { publishPackage } from './publish-package.js';

const s3 = useTestS3();
afterAll(removeFakePackages);

const sha256 = (data: Buffer) => digestBuffer(data).sha256;
const FAST_RETRY = { attempts: 8, baseDelayMs: 20, maxDelayMs: 200 };

/** Uploads go through the fault proxy; verification reads straight from the server, so only uploads meet faults. */
const target = (prefix: string, endpoint: string) =>
  s3Target(s3, prefix, { endpoint, publicBaseUrl: `${s3.endpoint}/${s3.bucket}` });

async function expectBucketMatches(pkg: FakePackage, prefix: string) {
  const client = s3.client();
  const stored = await listObjects(client, s3.bucket, `${prefix}/`);
  const keys = pkg.files.map((f) => path.posix.normalize(`${prefix}/${pkg.name}/${f}`)).sort();
  expect([...stored.keys()].sort()).toEqual(keys);
  for (const rel of pkg.files) {
    const back = await objectBytes(client, s3.bucket, path.posix.normalize(`${prefix}/${pkg.name}/${rel}`));
    expect(sha256(back), rel).toBe(sha256(await readFile(path.resolve(pkg.packageDir, rel))));
  }
}

describe('publishing through a faulty network', () => {
  it.each([42, 7])(
    'dropped connections, 500s, 503 SlowDown and latency (seed %i): the publish completes and every object is correct',
    async (seed) => {
      const pkg = await makeFakePackage({ rungs: 3, segments: 8, bigFileBytes: 11 * 1024 * 1024 });
      const proxy = await startFaultProxy(s3.endpoint, {
        seed,
        drop: 0.1,
        error500: 0.08,
        error503: 0.08,
        latency: 0.3,
        latencyMs: [5, 60],
      });
      const prefix = `faults/${seed}-${Date.now()}`;
      const events: PublishEvent[] = [];
      try {
        const summary = await publishPackage(
          {
            packageDir: pkg.packageDir,
            target: target(prefix, proxy.url),
            options: {
              validate: false,
              retry: FAST_RETRY,
              multipartThresholdBytes: 8 * 1024 * 1024,
              partSizeBytes: 5 * 1024 * 1024,
            },
          },
          { credentials: s3.credentials, onEvent: (e) => events.push(e) },
        );
        expect(summary.uploaded).toBe(pkg.files.length);
        expect(summary.verification?.ok, JSON.stringify(summary.verification?.failures)).toBe(true);
      } finally {
        await proxy.stop();
      }
      // The faults really happened, and each kind was met.
      const faults = proxy.log.filter((e) => e.fault);
      for (const kind of ['drop-before', 'drop-after', '500', '503'])
        expect(
          faults.some((e) => e.fault === kind),
          kind,
        ).toBe(true);
      expect(proxy.log.some((e) => e.delayedMs)).toBe(true);
      expect(events.filter((e) => e.type === 'retry').length).toBeGreaterThanOrEqual(
        faults.filter((e) => e.method === 'PUT').length,
      );
      await expectBucketMatches(pkg, prefix);

      // Retried or not, no playlist went up before what it names was stored.
      const stored = proxy.log.filter((e) => e.method === 'PUT' && e.status === 200);
      const rel = (e: ProxyLogEntry) => e.path.slice(`/${s3.bucket}/${prefix}/${pkg.name}/`.length);
      const isPlaylist = (e: ProxyLogEntry) => rel(e).endsWith('.m3u8') || rel(e) === 'video.json';
      const lastMediaEnd = Math.max(...stored.filter((e) => !isPlaylist(e)).map((e) => e.end!));
      const playlistStarts = proxy.log.filter((e) => e.method === 'PUT' && isPlaylist(e)).map((e) => e.start);
      expect(Math.min(...playlistStarts)).toBeGreaterThan(lastMediaEnd);
    },
  );

  it('a stalled request (socket idle past the timeout) is given up and retried', async () => {
    const pkg = await makeFakePackage({ rungs: 1, segments: 3 });
    let stalled = false;
    const proxy = await startFaultProxy(s3.endpoint, {
      latency: 1,
      // Far longer than the socket timeout and its retry, so no load on the machine blurs the two.
      latencyMs: [20_000, 20_000],
      match: ({ method, path: p }) => {
        if (stalled || method !== 'PUT' || !p.endsWith('v0-180p/seg_00001.ts')) return false;
        stalled = true;
        return true;
      },
    });
    const prefix = `stall/${Date.now()}`;
    const events: PublishEvent[] = [];
    const started = Date.now();
    let tookMs: number;
    try {
      await publishPackage(
        {
          packageDir: pkg.packageDir,
          target: target(prefix, proxy.url),
          options: { validate: false, retry: FAST_RETRY, socketTimeoutMs: 400 },
        },
        { credentials: s3.credentials, onEvent: (e) => events.push(e) },
      );
      tookMs = Date.now() - started;
    } finally {
      await proxy.stop();
    }
    // The stalled request would have answered after 20 s.
    expect(tookMs).toBeLessThan(15_000);
    expect(events).toContainEqual(expect.objectContaining({ type: 'retry', path: 'v0-180p/seg_00001.ts' }));
    await expectBucketMatches(pkg, prefix);
  });

  it('cancel (AbortSignal) stops promptly: nothing new starts, the playlists are never sent', async () => {
    const pkg = await makeFakePackage({ rungs: 3, segments: 8 });
    // Each request takes 1.5-2.5 s: a cancel that waited for the requests in flight would take that long.
    const proxy = await startFaultProxy(s3.endpoint, { latency: 1, latencyMs: [1_500, 2_500] });
    const controller = new AbortController();
    let abortedAt = 0;
    const prefix = `cancel/${Date.now()}`;
    try {
      const run = publishPackage(
        {
          packageDir: pkg.packageDir,
          target: target(prefix, proxy.url),
          options: { validate: false, concurrency: 4 },
        },
        {
          credentials: s3.credentials,
          signal: controller.signal,
          onEvent: (e) => {
            if (e.type === 'uploaded' && !abortedAt) {
              abortedAt = Date.now();
              controller.abort();
            }
          },
        },
      );
      await expect(run).rejects.toMatchObject({ code: 'CANCELLED' });
      expect(Date.now() - abortedAt).toBeLessThan(1_200);
      await expect(run).rejects.toBeInstanceOf(StudioError);
    } finally {
      await proxy.stop();
    }
    // (A request already on the wire when abort() ran may land a moment later.)
    const startedAfter = proxy.log.filter((e) => e.at > abortedAt + 50 && e.method === 'PUT');
    expect(startedAfter).toEqual([]);
    expect(proxy.log.some((e) => e.path.endsWith('.m3u8'))).toBe(false);
  });

  it('a part that keeps failing: the publish fails, the multipart upload is aborted, no playlist is sent', async () => {
    const pkg = await makeFakePackage({ rungs: 1, segments: 2, bigFileBytes: 11 * 1024 * 1024 });
    const proxy = await startFaultProxy(s3.endpoint, {
      error500: 1,
      match: ({ method, path: p, query }) =>
        method === 'PUT' && p.endsWith('preview.webp') && query.includes('partNumber=2'),
    });
    const prefix = `abort/${Date.now()}`;
    try {
      await expect(
        publishPackage(
          {
            packageDir: pkg.packageDir,
            target: target(prefix, proxy.url),
            options: {
              validate: false,
              retry: { attempts: 2, baseDelayMs: 5, maxDelayMs: 5 },
              multipartThresholdBytes: 8 * 1024 * 1024,
              partSizeBytes: 5 * 1024 * 1024,
            },
          },
          { credentials: s3.credentials },
        ),
      ).rejects.toMatchObject({ code: 'PUBLISH_FAILED', message: expect.stringContaining('preview.webp') });
    } finally {
      await proxy.stop();
    }
    expect(proxy.log.filter((e) => e.query.includes('partNumber=2')).map((e) => e.status)).toEqual([
      500, 500,
    ]);
    expect(proxy.log.some((e) => e.method === 'DELETE' && e.query.includes('uploadId='))).toBe(true);
    expect(proxy.log.some((e) => e.path.endsWith('.m3u8'))).toBe(false);
    if (s3.kind === 'external') {
      const uploads = await s3
        .client()
        .send(new ListMultipartUploadsCommand({ Bucket: s3.bucket, Prefix: `${prefix}/` }));
      expect(uploads.Uploads ?? []).toEqual([]);
    }
  });
});
