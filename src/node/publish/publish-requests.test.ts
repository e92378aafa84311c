import { createHash } from 'node:crypto';
import type * as Fs from 'node:fs';
import type * as FsPromises from 'node:fs/promises';
import { readFile, rm, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { headerPolicy, headersFor } from '../../common/publish/object-headers.js';
import { makeFakePackage, removeFakePackages } from '../../../test/helpers/publish-fixture.js';
import { scratchDir } from '../../../test/helpers/clips.js';
import { s3Target, startRecordingProxy, useTestS3 } from '../../../test/helpers/s3-server.js';
import { publishPackage, type PublishRequest } from './publish-package.js';

/** Every file the code under test opens or reads whole (fs/promises open, readFile; fs openSync, streams). */
const opened = vi.hoisted(() => [] as string[]);
vi.mock('node:fs/promises', async (importOriginal) => {
  const fs = await importOriginal<typeof FsPromises>();
  const open: typeof fs.open = (file, ...rest) => (opened.push(String(file)), fs.open(file, ...rest));
  const readFile = ((file: Parameters<typeof fs.readFile>[0], ...rest: unknown[]) => (
    opened.push(String(file)),
    (fs.readFile as (...a: unknown[]) => unknown)(file, ...rest)
  )) as typeof fs.readFile;
  return { ...fs, open, readFile, default: { ...fs, open, readFile } };
});
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof Fs>();
  const createReadStream = ((file: string, ...rest: unknown[]) => (
    opened.push(file),
    (fs.createReadStream as (...a: unknown[]) => unknown)(file, ...rest)
  )) as typeof fs.createReadStream;
  const openSync = ((file: string, ...rest: unknown[]) => (
    opened.push(file),
    (fs.openSync as (...a: unknown[]) => unknown)(file, ...rest)
  )) as typeof fs.openSync;
  return { ...fs, createReadStream, openSync, default: { ...fs, createReadStream, openSync } };
});

const s3 = useTestS3();
afterAll(removeFakePackages);

const md5 = (data: Buffer) => createHash('md5').update(data).digest('base64');

async function publishVia(proxyUrl: string, prefix: string, packageDir: string, recordDir: string) {
  const request: PublishRequest = {
    packageDir,
    target: s3Target(s3, prefix, { endpoint: proxyUrl, publicBaseUrl: `${s3.endpoint}/${s3.bucket}` }),
    options: { verify: false, cors: 'skip' },
  };
  return publishPackage(request, { credentials: s3.credentials, recordDir });
}

describe('what a publish sends', () => {
  it('every PUT carries the Content-MD5 of the file and the Content-Type and Cache-Control of its kind', async () => {
    const pkg = await makeFakePackage({ rungs: 2, segments: 3 });
    const proxy = await startRecordingProxy(s3.endpoint);
    try {
      await publishVia(proxy.url, `md5/${Date.now()}`, pkg.packageDir, await scratchDir('record-'));
      const puts = proxy.requests.filter((r) => r.method === 'PUT');
      expect(puts).toHaveLength(pkg.files.length);
      const policy = headerPolicy();
      for (const put of puts) {
        const rel = put.path.split(`/${pkg.name}/`)[1]!;
        const local = await readFile(path.join(pkg.packageDir, rel));
        expect(put.headers['content-md5'], rel).toBe(md5(local));
        expect(put.headers['content-type'], rel).toBe(headersFor(rel, policy).contentType);
        expect(put.headers['cache-control'], rel).toBe(headersFor(rel, policy).cacheControl);
        // The signed payload hash is the file's SHA-256 (from video.json), checked by the store.
        expect(put.headers['x-amz-content-sha256'], rel).toBe(
          createHash('sha256').update(local).digest('hex'),
        );
      }
    } finally {
      await proxy.stop();
    }
  });

  it('an unchanged re-publish: one listing per 1,000 objects, no HEAD, no PUT, no segment opened', async () => {
    const pkg = await makeFakePackage({ rungs: 3, segments: 6 });
    const prefix = `again/${Date.now()}`;
    const recordDir = await scratchDir('record-');
    const proxy = await startRecordingProxy(s3.endpoint);
    try {
      const first = await publishVia(proxy.url, prefix, pkg.packageDir, recordDir);
      expect(first.uploaded).toBe(pkg.files.length);
      // The spy sees the reads of an upload (else the assertion below could not fail).
      expect(opened).toContain(path.join(pkg.packageDir, 'v0-180p', 'seg_00000.ts'));
      proxy.requests.length = 0;
      opened.length = 0;
      const again = await publishVia(proxy.url, prefix, pkg.packageDir, recordDir);
      expect(again).toMatchObject({ uploaded: 0, skipped: pkg.files.length });
      const methods = proxy.requests.map((r) => `${r.method} ${r.query.has('list-type') ? 'list' : r.path}`);
      expect(methods).toEqual(Array(Math.ceil(pkg.files.length / 1000)).fill('GET list'));
      // Only what checks the package itself: video.json (sizes and hashes) and the playlists (references).
      const inPackage = opened
        .filter((f) => f.startsWith(pkg.packageDir + path.sep))
        .map((f) => path.relative(pkg.packageDir, f).split(path.sep).join('/'));
      expect(inPackage.filter((rel) => rel !== 'video.json' && !rel.endsWith('.m3u8'))).toEqual([]);
    } finally {
      await proxy.stop();
    }
  });

  it('without the local record (another machine): HEADs once, then the next run needs none', async () => {
    const pkg = await makeFakePackage({ rungs: 1, segments: 4 });
    const prefix = `lost/${Date.now()}`;
    const recordDir = await scratchDir('record-');
    const proxy = await startRecordingProxy(s3.endpoint);
    try {
      await publishVia(proxy.url, prefix, pkg.packageDir, recordDir);
      await rm(recordDir, { recursive: true, force: true });
      proxy.requests.length = 0;
      const second = await publishVia(proxy.url, prefix, pkg.packageDir, recordDir);
      expect(second.uploaded).toBe(0);
      expect(proxy.requests.filter((r) => r.method === 'HEAD')).toHaveLength(pkg.files.length);
      proxy.requests.length = 0;
      const third = await publishVia(proxy.url, prefix, pkg.packageDir, recordDir);
      expect(third.uploaded).toBe(0);
      expect(proxy.requests.filter((r) => r.method !== 'GET')).toEqual([]);
    } finally {
      await proxy.stop();
    }
  });

  it('an object replaced behind our back (other ETag) is HEAD-checked and uploaded again', async () => {
    const pkg = await makeFakePackage({ rungs: 1, segments: 2 });
    const prefix = `replaced/${Date.now()}`;
    const recordDir = await scratchDir('record-');
    const proxy = await startRecordingProxy(s3.endpoint);
    try {
      await publishVia(proxy.url, prefix, pkg.packageDir, recordDir);
      const key = `${prefix}/${pkg.name}/poster.jpg`;
      const local = await readFile(path.join(pkg.packageDir, 'poster.jpg'));
      const { PutObjectCommand } = await import('@aws-sdk/client-s3');
      const other = Buffer.from(local);
      other[0] = other[0]! ^ 0xff;
      await s3.client().send(new PutObjectCommand({ Bucket: s3.bucket, Key: key, Body: other }));
      proxy.requests.length = 0;
      const again = await publishVia(proxy.url, prefix, pkg.packageDir, recordDir);
      expect(again.uploaded).toBe(1);
      expect(proxy.requests.filter((r) => r.method !== 'GET').map((r) => `${r.method} ${r.path}`)).toEqual([
        `HEAD /${s3.bucket}/${key}`,
        `PUT /${s3.bucket}/${key}`,
      ]);
    } finally {
      await proxy.stop();
    }
  });

  it('a file rewritten in place with its old size and time is refused by the store’s payload-hash check', async ({
    skip,
  }) => {
    if (s3.kind === 's3rver') skip('s3rver does not check x-amz-content-sha256');
    const pkg = await makeFakePackage({ rungs: 1, segments: 2 });
    const file = path.join(pkg.packageDir, 'poster.jpg');
    const before = await readFile(file);
    const { mtime } = await (await import('node:fs/promises')).stat(file);
    const other = Buffer.from(before);
    other[10] = other[10]! ^ 0xff;
    await writeFile(file, other);
    await utimes(file, mtime, mtime);
    const run = publishPackage(
      { packageDir: pkg.packageDir, target: s3Target(s3, `stale/${Date.now()}`), options: { verify: false } },
      { credentials: s3.credentials, recordDir: await scratchDir('record-') },
    );
    await expect(run).rejects.toMatchObject({
      code: 'PUBLISH_FAILED',
      message: expect.stringContaining('poster.jpg changed on disk') as string,
    });
  });
});
