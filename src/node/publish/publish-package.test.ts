import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { CreateMultipartUploadCommand, ListMultipartUploadsCommand } from '@aws-sdk/client-s3';
import { afterAll, describe, expect, it } from 'vitest';
import type { PublishEvent } from '../../common/publish/publish-events.js';
import { startFaultProxy, type ProxyLogEntry } from '../../../test/helpers/fault-proxy.js';
import { makeFakePackage, removeFakePackages } from '../../../test/helpers/publish-fixture.js';
import {
  headObject,
  listObjects,
  objectBytes,
  s3Target,
  useTestS3,
} from '../../../test/helpers/s3-server.js';
import { digestBuffer } from './file-digest.js';
import { publishPackage, type PublishRequest } from './publish-package.js';

const s3 = useTestS3();
afterAll(removeFakePackages);

const sha256 = (data: Buffer) => digestBuffer(data).sha256;
const uniquePrefix = () => `videos/${randomBytes(4).toString('hex')}`;

const target = (prefix: string, extra: Record<string, unknown> = {}) => s3Target(s3, prefix, extra);

async function publish(request: PublishRequest, events: PublishEvent[] = []) {
  return publishPackage(
    { ...request, options: { validate: false, ...request.options } },
    { credentials: s3.credentials, onEvent: (e) => events.push(e) },
  );
}

/** Local path of a published key (`../pkg.keys/…` climbs out of the package). */
const localFile = (packageDir: string, rel: string) => path.resolve(packageDir, ...rel.split('/'));

describe('publish to a real S3-compatible server', () => {
  it('round trip: every object comes back byte-identical with the Content-Type and Cache-Control of its kind', async () => {
    const pkg = await makeFakePackage({ encrypted: true });
    const prefix = uniquePrefix();
    const events: PublishEvent[] = [];
    const summary = await publish(
      { packageDir: pkg.packageDir, target: target(prefix), options: { includeKeys: true } },
      events,
    );
    expect(summary.uploaded).toBe(pkg.files.length);
    expect(summary.skipped).toBe(0);
    expect(summary.verification?.ok, JSON.stringify(summary.verification?.failures)).toBe(true);

    const client = s3.client();
    const stored = await listObjects(client, s3.bucket, `${prefix}/`);
    const expectedKeys = pkg.files.map((f) => path.posix.normalize(`${prefix}/${pkg.name}/${f}`)).sort();
    expect([...stored.keys()].sort()).toEqual(expectedKeys);
    for (const rel of pkg.files) {
      const key = path.posix.normalize(`${prefix}/${pkg.name}/${rel}`);
      const back = await objectBytes(client, s3.bucket, key);
      expect(sha256(back), key).toBe(sha256(await readFile(localFile(pkg.packageDir, rel))));
    }

    const headers = async (rel: string) => {
      const h = await headObject(client, s3.bucket, path.posix.normalize(`${prefix}/${pkg.name}/${rel}`));
      return { type: h.ContentType, cache: h.CacheControl, sha256: h.Metadata?.sha256 };
    };
    const long = 'max-age=31536000, immutable';
    expect(await headers('master.m3u8')).toMatchObject({
      type: 'application/vnd.apple.mpegurl',
      cache: 'max-age=60',
    });
    expect(await headers('v0-180p/index.m3u8')).toMatchObject({
      type: 'application/vnd.apple.mpegurl',
      cache: 'max-age=60',
    });
    expect(await headers('v0-180p/seg_00000.ts')).toMatchObject({ type: 'video/mp2t', cache: long });
    expect(await headers('v1-270p/iframe_00001.ts')).toMatchObject({ type: 'video/mp2t', cache: long });
    expect(await headers('sub-0/seg_00000.vtt')).toMatchObject({ type: 'text/vtt', cache: long });
    expect(await headers('storyboard/thumbnails.vtt')).toMatchObject({
      type: 'text/vtt',
      cache: 'max-age=60',
    });
    expect(await headers('storyboard/sprite_000.jpg')).toMatchObject({ type: 'image/jpeg', cache: long });
    expect(await headers('poster.jpg')).toMatchObject({ type: 'image/jpeg', cache: long });
    expect(await headers('poster.webp')).toMatchObject({ type: 'image/webp', cache: long });
    expect(await headers('video.json')).toMatchObject({ type: 'application/json', cache: 'max-age=60' });
    expect(await headers(`../${pkg.name}.keys/key-0.key`)).toMatchObject({
      type: 'application/octet-stream',
      cache: 'no-store',
    });
    expect((await headers('poster.jpg')).sha256).toBe(
      sha256(await readFile(path.join(pkg.packageDir, 'poster.jpg'))),
    );

    expect(summary.playbackUrl).toBe(`${s3.endpoint}/${s3.bucket}/${prefix}/${pkg.name}/master.m3u8`);
    expect(summary.embedHtml).toContain(JSON.stringify(summary.playbackUrl));
    expect(events.at(-1)).toMatchObject({ type: 'done', uploaded: pkg.files.length });
    expect(events.some((e) => e.type === 'progress')).toBe(true);
  });

  it('order (RFC 8216 6.2.1): media playlists start after every segment is stored, master.m3u8 and video.json last', async () => {
    const pkg = await makeFakePackage({ rungs: 2, segments: 6 });
    const proxy = await startFaultProxy(s3.endpoint, { latency: 0.5, latencyMs: [5, 60], seed: 7 });
    try {
      const prefix = uniquePrefix();
      await publish({
        packageDir: pkg.packageDir,
        target: target(prefix, { endpoint: proxy.url, publicBaseUrl: `${s3.endpoint}/${s3.bucket}` }),
        options: { concurrency: 6 },
      });
      const puts = proxy.log.filter((e) => e.method === 'PUT' && e.status === 200);
      const rel = (e: ProxyLogEntry) => e.path.slice(`/${s3.bucket}/${prefix}/${pkg.name}/`.length);
      const media = puts.filter((e) => !rel(e).endsWith('.m3u8') && rel(e) !== 'video.json');
      const mediaPlaylists = puts.filter((e) => rel(e).endsWith('.m3u8') && rel(e) !== 'master.m3u8');
      const master = puts.filter((e) => rel(e) === 'master.m3u8');
      const videoJson = puts.filter((e) => rel(e) === 'video.json');
      expect(puts).toHaveLength(pkg.files.length);
      expect(master).toHaveLength(1);
      expect(videoJson).toHaveLength(1);
      const lastEnd = (list: ProxyLogEntry[]) => Math.max(...list.map((e) => e.end!));
      const firstStart = (list: ProxyLogEntry[]) => Math.min(...list.map((e) => e.start));
      expect(firstStart(mediaPlaylists)).toBeGreaterThan(lastEnd(media));
      expect(master[0]!.start).toBeGreaterThan(lastEnd(mediaPlaylists));
      expect(videoJson[0]!.start).toBeGreaterThan(master[0]!.end!);
      // Parallel within a phase: more than one PUT was in flight at some moment.
      const overlapping = media.some((a) =>
        media.some((b) => a !== b && b.start > a.start && b.start < a.end!),
      );
      expect(overlapping).toBe(true);
    } finally {
      await proxy.stop();
    }
  });

  it('a second publish of an unchanged package uploads 0 objects (HEAD/list only, no PUT)', async () => {
    const pkg = await makeFakePackage();
    const prefix = uniquePrefix();
    const first = await publish({ packageDir: pkg.packageDir, target: target(prefix) });
    expect(first.uploaded).toBe(pkg.files.length);
    const proxy = await startFaultProxy(s3.endpoint);
    try {
      const second = await publish({
        packageDir: pkg.packageDir,
        target: target(prefix, { endpoint: proxy.url, publicBaseUrl: `${s3.endpoint}/${s3.bucket}` }),
      });
      expect(second).toMatchObject({ uploaded: 0, skipped: pkg.files.length });
      expect(proxy.log.filter((e) => e.method === 'PUT' || e.method === 'POST')).toEqual([]);
    } finally {
      await proxy.stop();
    }
  });

  it('a changed file (and a changed header policy) is uploaded again; the rest is skipped', async () => {
    const pkg = await makeFakePackage();
    const prefix = uniquePrefix();
    await publish({ packageDir: pkg.packageDir, target: target(prefix) });
    // Re-encoded poster: new bytes, and video.json no longer vouches for it (it is newer).
    await new Promise((r) => setTimeout(r, 20));
    const { writeFile } = await import('node:fs/promises');
    await writeFile(path.join(pkg.packageDir, 'poster.jpg'), randomBytes(9_000));
    const events: PublishEvent[] = [];
    const again = await publish({ packageDir: pkg.packageDir, target: target(prefix) }, events);
    expect(again.uploaded).toBe(1);
    const planned = events.find((e) => e.type === 'planned');
    expect(planned?.type === 'planned' && planned.files.filter((f) => f.action === 'upload')).toEqual([
      expect.objectContaining({ path: 'poster.jpg', reason: 'changed' }),
    ]);
    // Playlists with another max-age: only the playlists and video.json change.
    const third = await publish({
      packageDir: pkg.packageDir,
      target: target(prefix, { playlistMaxAgeSec: 5 }),
    });
    const playlists = pkg.files.filter(
      (f) => f.endsWith('.m3u8') || f === 'video.json' || f.endsWith('thumbnails.vtt'),
    );
    expect(third.uploaded).toBe(playlists.length);
  });

  it('--dry-run lists what would be uploaded and what skipped, and sends nothing', async () => {
    const pkg = await makeFakePackage({ rungs: 1, segments: 2 });
    const prefix = uniquePrefix();
    const events: PublishEvent[] = [];
    const summary = await publish(
      { packageDir: pkg.packageDir, target: target(prefix), options: { dryRun: true } },
      events,
    );
    expect(summary).toMatchObject({ dryRun: true, uploaded: 0 });
    expect((await listObjects(s3.client(), s3.bucket, `${prefix}/`)).size).toBe(0);
    const planned = events.find((e) => e.type === 'planned');
    expect(planned).toMatchObject({ type: 'planned', dryRun: true, upload: pkg.files.length, skip: 0 });
  });

  it('--gzip-playlists stores playlists gzip-compressed (Apple 10.1) and a rerun still skips them', async () => {
    const pkg = await makeFakePackage({ rungs: 1, segments: 2 });
    const prefix = uniquePrefix();
    const summary = await publish({
      packageDir: pkg.packageDir,
      target: target(prefix, { gzipPlaylists: true }),
    });
    expect(summary.verification?.ok, JSON.stringify(summary.verification?.failures)).toBe(true);
    const key = `${prefix}/${pkg.name}/master.m3u8`;
    const h = await headObject(s3.client(), s3.bucket, key);
    expect(h.ContentEncoding).toBe('gzip');
    const stored = await objectBytes(s3.client(), s3.bucket, key);
    expect(gunzipSync(stored).equals(await readFile(path.join(pkg.packageDir, 'master.m3u8')))).toBe(true);
    const again = await publish({
      packageDir: pkg.packageDir,
      target: target(prefix, { gzipPlaylists: true }),
    });
    expect(again.uploaded).toBe(0);
  });

  it('multipart above the threshold: parts with their own Content-MD5, the object byte-identical', async () => {
    const pkg = await makeFakePackage({ rungs: 1, segments: 2, bigFileBytes: 11 * 1024 * 1024 + 123 });
    const prefix = uniquePrefix();
    const events: PublishEvent[] = [];
    await publish(
      {
        packageDir: pkg.packageDir,
        target: target(prefix),
        options: { multipartThresholdBytes: 8 * 1024 * 1024, partSizeBytes: 5 * 1024 * 1024 },
      },
      events,
    );
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'uploaded', path: 'preview.webp', multipart: true }),
    );
    const back = await objectBytes(s3.client(), s3.bucket, `${prefix}/${pkg.name}/preview.webp`);
    expect(sha256(back)).toBe(sha256(await readFile(path.join(pkg.packageDir, 'preview.webp'))));
    const h = await headObject(s3.client(), s3.bucket, `${prefix}/${pkg.name}/preview.webp`);
    expect(h).toMatchObject({ ContentType: 'image/webp', ContentLength: back.length });
    if (s3.kind === 'external') expect(h.ETag).toMatch(/-3"$/);
  });

  it('unfinished multipart uploads of our keys left by a killed run are aborted (they cost storage)', async ({
    skip,
  }) => {
    if (s3.kind === 's3rver') skip('s3rver has no ListMultipartUploads');
    const pkg = await makeFakePackage({ rungs: 1, segments: 2, bigFileBytes: 9 * 1024 * 1024 });
    const prefix = uniquePrefix();
    const client = s3.client();
    const key = `${prefix}/${pkg.name}/preview.webp`;
    await client.send(new CreateMultipartUploadCommand({ Bucket: s3.bucket, Key: key }));
    const events: PublishEvent[] = [];
    await publish(
      {
        packageDir: pkg.packageDir,
        target: target(prefix),
        options: { multipartThresholdBytes: 8 * 1024 * 1024 },
      },
      events,
    );
    expect(events).toContainEqual({
      type: 'warning',
      message: 'aborted 1 unfinished upload(s) of an earlier run',
    });
    const open = await client.send(
      new ListMultipartUploadsCommand({ Bucket: s3.bucket, Prefix: `${prefix}/` }),
    );
    expect(open.Uploads ?? []).toEqual([]);
  });
});
