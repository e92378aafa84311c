import { rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFaultProxy, type FaultProxy } from '../../../test/helpers/fault-proxy.js';
import {
  makeFakePackage,
  type FakePackage,
  removeFakePackages,
} from '../../../test/helpers/publish-fixture.js';
import { startS3Server, type TestS3 } from '../../../test/helpers/s3-server.js';
import { publishPackage } from './publish-package.js';

let s3: TestS3;
let proxy: FaultProxy;
let pkg: FakePackage;
beforeAll(async () => {
  s3 = await startS3Server();
  proxy = await startFaultProxy(s3.endpoint);
  pkg = await makeFakePackage({ rungs: 1, segments: 2 });
});
afterAll(async () => {
  await removeFakePackages();
  await proxy?.stop();
  await s3?.stop();
});

const writes = () =>
  proxy.log.filter((e) => e.method === 'PUT' || e.method === 'POST' || e.method === 'DELETE');
const target = (extra: Record<string, unknown> = {}) => ({
  store: 's3-compatible',
  bucket: s3.bucket,
  prefix: 'errors',
  endpoint: proxy.url,
  region: s3.region,
  ...extra,
});
const publish = (t: unknown, credentials = s3.credentials, packageDir = pkg.packageDir) =>
  publishPackage({ packageDir, target: t, options: { validate: false } }, { credentials });

describe('bad configuration and bad credentials fail clearly, before any upload', () => {
  it('a bucket that does not exist: PUBLISH_CONFIG naming it, nothing sent', async () => {
    proxy.log.length = 0;
    await expect(publish(target({ bucket: 'no-such-bucket-here' }))).rejects.toMatchObject({
      code: 'PUBLISH_CONFIG',
      message: expect.stringContaining('"no-such-bucket-here" at'),
    });
    expect(writes()).toEqual([]);
  });

  it('an unknown access key: PUBLISH_AUTH, nothing sent', async () => {
    proxy.log.length = 0;
    await expect(
      publish(target(), { accessKeyId: 'NOBODY', secretAccessKey: 'nothing' }),
    ).rejects.toMatchObject({
      code: 'PUBLISH_AUTH',
      message: expect.stringMatching(/refused the credentials.*InvalidAccessKeyId/),
    });
    expect(writes()).toEqual([]);
  });

  it('a wrong secret: PUBLISH_AUTH (SignatureDoesNotMatch), nothing sent', async ({ skip }) => {
    if (s3.kind === 's3rver') skip('s3rver does not check signatures');
    proxy.log.length = 0;
    await expect(publish(target(), { ...s3.credentials, secretAccessKey: 'wrong' })).rejects.toMatchObject({
      code: 'PUBLISH_AUTH',
    });
    expect(writes()).toEqual([]);
  });

  it('no credentials anywhere: PUBLISH_AUTH saying where they are looked for', async () => {
    const env = { ...process.env };
    for (const k of Object.keys(process.env))
      if (/^(AWS_|S3_ACCESS|S3_SECRET)/.test(k)) delete process.env[k];
    process.env.AWS_SHARED_CREDENTIALS_FILE = path.join(pkg.root, 'none');
    process.env.AWS_CONFIG_FILE = path.join(pkg.root, 'none');
    process.env.AWS_EC2_METADATA_DISABLED = 'true';
    try {
      proxy.log.length = 0;
      await expect(
        publishPackage({ packageDir: pkg.packageDir, target: target(), options: { validate: false } }),
      ).rejects.toMatchObject({ code: 'PUBLISH_AUTH', message: expect.stringContaining('S3_ACCESS_KEY_ID') });
      expect(proxy.log).toEqual([]);
    } finally {
      for (const k of Object.keys(process.env)) if (!(k in env)) delete process.env[k];
      Object.assign(process.env, env);
    }
  });

  it('an endpoint nobody answers on: PUBLISH_CONFIG "cannot reach", quickly', async () => {
    const server = http.createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    await new Promise((r) => server.close(r));
    const started = Date.now();
    await expect(publish(target({ endpoint: `http://127.0.0.1:${port}` }))).rejects.toMatchObject({
      code: 'PUBLISH_CONFIG',
      message: expect.stringContaining('cannot reach'),
    });
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('targets the schema refuses: secrets, bad bucket names, stores missing their endpoint', async () => {
    proxy.log.length = 0;
    await expect(publish(target({ secretAccessKey: 'x' }))).rejects.toMatchObject({
      code: 'PUBLISH_CONFIG',
      message: expect.stringContaining('secrets are never stored'),
    });
    await expect(publish(target({ bucket: 'Bad_Bucket!' }))).rejects.toMatchObject({
      code: 'PUBLISH_CONFIG',
    });
    await expect(publish({ store: 'minio', bucket: 'videos' })).rejects.toMatchObject({
      code: 'PUBLISH_CONFIG',
      message: expect.stringContaining('endpoint'),
    });
    await expect(publish({ store: 'r2', bucket: 'videos' })).rejects.toMatchObject({
      message: expect.stringContaining('needs its account ID'),
    });
    await expect(publish(target({ prefix: 'a/../b' }))).rejects.toMatchObject({ code: 'PUBLISH_CONFIG' });
    expect(proxy.log).toEqual([]);
  });

  it('not a package, or a playlist naming a missing segment: refused before contacting the store', async () => {
    proxy.log.length = 0;
    await expect(publish(target(), s3.credentials, pkg.root)).rejects.toMatchObject({
      code: 'PACKAGE_INVALID',
    });
    const broken = await makeFakePackage({ rungs: 1, segments: 2 });
    await rm(path.join(broken.packageDir, 'v0-180p', 'seg_00001.ts'));
    await expect(publish(target(), s3.credentials, broken.packageDir)).rejects.toMatchObject({
      code: 'PACKAGE_INVALID',
      message: expect.stringContaining('v0-180p/index.m3u8 → seg_00001.ts'),
    });
    const encrypted = await makeFakePackage({ rungs: 1, segments: 2, encrypted: true });
    await rm(encrypted.keysDir!, { recursive: true });
    await expect(
      publishPackage(
        { packageDir: encrypted.packageDir, target: target(), options: { includeKeys: true } },
        { credentials: s3.credentials },
      ),
    ).rejects.toMatchObject({ code: 'PUBLISH_CONFIG', message: expect.stringContaining('keys folder') });
    expect(proxy.log).toEqual([]);
  });
});
