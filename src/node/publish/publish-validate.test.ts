import { rm } from 'node:fs/promises';
import { DeleteObjectCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { headerPolicy } from '../../common/publish/object-headers.js';
import { clip } from '../../../test/helpers/clips.js';
import { encodeInto } from '../../../test/helpers/encode.js';
import { s3Target, useTestS3 } from '../../../test/helpers/s3-server.js';
import { readLocalPackage } from './local-package.js';
import { publishPackage } from './publish-package.js';
import { verifyRemote } from './remote-verify.js';

const s3 = useTestS3();

describe('verification of a real encoded package through its URL', () => {
  it('an AES-128 package with --include-keys: the validator passes on the URL as it did on disk', async () => {
    const input = await clip('publish.mp4', { width: 640, height: 360, durationSec: 4 });
    const { out, result } = await encodeInto(input, undefined, { encrypt: true });
    const summary = await publishPackage(
      {
        packageDir: result.packageDir,
        target: s3Target(s3, 'real'),
        options: { includeKeys: true, cors: 'apply' },
      },
      { credentials: s3.credentials },
    );
    const v = summary.verification!;
    expect(v.failures).toEqual([]);
    expect(v.validation, JSON.stringify(v.validation)).toMatchObject({ valid: true, newFailures: [] });
    expect(v.ok).toBe(true);
    expect(summary.playbackUrl).toBe(`${s3.endpoint}/${s3.bucket}/real/pkg/master.m3u8`);
    // The key URI ../../pkg.keys/key-0.key resolves to the uploaded copy.
    const key = await fetch(
      new URL('../../pkg.keys/key-0.key', new URL('v0-180p/index.m3u8', summary.playbackUrl)),
    );
    expect(key.status).toBe(200);
    expect((await key.arrayBuffer()).byteLength).toBe(16);

    // A segment gone from the store: verification must say so (a check that cannot fail is a bug).
    // (S3 answers 403 rather than 404 for a missing object when anonymous users may not list the bucket.)
    await s3
      .client()
      .send(new DeleteObjectCommand({ Bucket: s3.bucket, Key: 'real/pkg/v1-270p/seg_00001.ts' }));
    const local = await readLocalPackage(result.packageDir, { includeKeys: true, policy: headerPolicy() });
    const again = await verifyRemote({
      packageUrl: new URL('./', summary.playbackUrl).href,
      files: local.files,
      origin: '*',
      expectCors: true,
      validate: false,
      keysElsewhere: false,
    });
    expect(again.ok).toBe(false);
    expect(again.failures).toContainEqual(
      expect.objectContaining({
        path: 'v1-270p/seg_00001.ts',
        problem: expect.stringMatching(/HTTP 40[34]/),
      }),
    );
    await rm(out, { recursive: true, force: true });
  });
});
