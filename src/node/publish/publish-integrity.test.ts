import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, describe, expect, it } from 'vitest';
import { headerPolicy } from '../../common/publish/object-headers.js';
import type { PublishEvent } from '../../common/publish/publish-events.js';
import { makeFakePackage, removeFakePackages } from '../../../test/helpers/publish-fixture.js';
import { s3Target, useTestS3 } from '../../../test/helpers/s3-server.js';
import { readLocalPackage } from './local-package.js';
import { publishPackage } from './publish-package.js';
import { verifyRemote } from './remote-verify.js';
import { compareHead } from './remote-state.js';

const s3 = useTestS3();
afterAll(removeFakePackages);

/**
 * HLS-NOTES: since v3.729.0 the SDK sends CRC32 checksums with aws-chunked streaming bodies by default;
 * S3-compatible servers reject that (radosgw: 411) or store the chunk framing as content (s3rver). Either
 * way the publish must fail or the mismatch must be found; it must never pass silently.
 */
describe('the SDK default-checksum trap', () => {
  it('publishing with the SDK defaults never reports success with other bytes than the files', async () => {
    const pkg = await makeFakePackage({ rungs: 1, segments: 2 });
    // Our bodies are buffers now (one read per file), which the SDK sends without aws-chunked framing:
    // the trap needs a streamed body. Whatever the store does, the outcome must be an error or a
    // verified copy whose every object hashed back identical.
    const outcome = await publishPackage(
      {
        packageDir: pkg.packageDir,
        target: s3Target(s3, 'trap'),
        options: {
          validate: false,
          hashSample: 1_000,
          retry: { attempts: 2, baseDelayMs: 10, maxDelayMs: 10 },
        },
      },
      { credentials: s3.credentials, checksums: 'sdk-default' },
    ).catch((error: unknown) => error as { code: string });
    if ('code' in outcome) expect(['PUBLISH_INTEGRITY', 'PUBLISH_FAILED']).toContain(outcome.code);
    else {
      expect(outcome.verification?.ok, JSON.stringify(outcome.verification?.failures)).toBe(true);
      expect(outcome.verification?.hashed).toBe(pkg.files.length);
    }
  });

  it('an object stored that way is caught by the HEAD comparison and by hashing it back', async ({
    skip,
  }) => {
    if (s3.kind !== 's3rver') skip('radosgw refuses such uploads outright (411), see above');
    const pkg = await makeFakePackage({ rungs: 1, segments: 2 });
    const local = await readLocalPackage(pkg.packageDir, { includeKeys: false, policy: headerPolicy() });
    const file = local.files.find((f) => f.relPath === 'v0-180p/seg_00000.ts')!;
    const key = `raw/${pkg.name}/${file.relPath}`;
    // A naive uploader: default client, streamed body, our metadata claiming the right hash.
    await s3.client({ requestChecksumCalculation: undefined, responseChecksumValidation: undefined }).send(
      new PutObjectCommand({
        Bucket: s3.bucket,
        Key: key,
        Body: createReadStream(file.absPath),
        ContentLength: (await stat(file.absPath)).size,
        ContentType: file.headers.contentType,
        CacheControl: file.headers.cacheControl,
        Metadata: { sha256: file.sha256 },
        ACL: 'public-read',
      }),
    );
    const { headObject } = await import('../../../test/helpers/s3-server.js');
    const head = await headObject(s3.client(), s3.bucket, key);
    const asHead = {
      bytes: head.ContentLength ?? -1,
      etag: head.ETag,
      contentType: head.ContentType,
      cacheControl: head.CacheControl,
      contentEncoding: head.ContentEncoding,
      sha256: head.Metadata?.sha256,
    };
    expect(compareHead(asHead, file)).toBe('changed');

    const report = await verifyRemote({
      packageUrl: `${s3.endpoint}/${s3.bucket}/raw/${pkg.name}/`,
      files: [file],
      origin: '*',
      expectCors: false,
      validate: false,
      keysElsewhere: false,
      hashSample: 1,
    });
    expect(report.ok).toBe(false);
    expect(report.failures.map((f) => f.problem).join('\n')).toMatch(/bytes differ from the local file/);
    const stored = Buffer.from(await (await fetch(`${s3.endpoint}/${s3.bucket}/${key}`)).arrayBuffer());
    const original = await readFile(path.join(pkg.packageDir, file.relPath));
    expect(createHash('sha256').update(stored).digest('hex')).not.toBe(
      createHash('sha256').update(original).digest('hex'),
    );
  });
});

describe('large files streamed from disk', () => {
  it('segments above 1 MiB go as one PUT each, streamed, and hash back identical', async () => {
    const pkg = await makeFakePackage({ rungs: 1, segments: 3, segmentBytes: 2_500_000 });
    const uploaded: PublishEvent[] = [];
    const summary = await publishPackage(
      {
        packageDir: pkg.packageDir,
        target: s3Target(s3, 'streamed'),
        options: { validate: false, hashSample: 1_000 },
      },
      { credentials: s3.credentials, onEvent: (e) => e.type === 'uploaded' && uploaded.push(e) },
    );
    expect(summary.verification?.ok, JSON.stringify(summary.verification?.failures)).toBe(true);
    expect(summary.verification?.hashed).toBe(pkg.files.length);
    const big = uploaded.filter((e) => e.type === 'uploaded' && e.bytes > 1024 * 1024);
    expect(big).toHaveLength(3);
    expect(big.every((e) => e.type === 'uploaded' && !e.multipart)).toBe(true);
  });
});
