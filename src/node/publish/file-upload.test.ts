import { createHash, randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { GetObjectCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { scratchDir } from '../../../test/helpers/clips.js';
import { s3Target, useTestS3 } from '../../../test/helpers/s3-server.js';
import { parseTarget } from '../../common/publish/publish-target.js';
import { deleteObject, uploadFile } from './file-upload.js';

const MIB = 1024 * 1024;

describe('uploadFile: one local file to one key with the publisher’s upload path (real S3 server)', () => {
  const s3 = useTestS3();
  const config = (bucket = s3.bucket) => {
    const parsed = parseTarget({ ...s3Target(s3, ''), bucket });
    if (!parsed.ok) throw new Error(parsed.issues.join('; '));
    return parsed.target;
  };
  const stored = async (key: string) => {
    const out = await s3.client().send(new GetObjectCommand({ Bucket: s3.bucket, Key: key }));
    return Buffer.from(await out.Body!.transformToByteArray());
  };
  const sha = (data: Buffer) => createHash('sha256').update(data).digest('hex');
  const missing = (key: string) =>
    expect(s3.client().send(new HeadObjectCommand({ Bucket: s3.bucket, Key: key }))).rejects.toThrow();

  it('sends a small file in one PUT and a large one multipart, byte for byte, with progress to 1', async () => {
    const dir = await scratchDir('file-upload-');
    const small = path.join(dir, 'small.mov');
    const large = path.join(dir, 'large.mov');
    const smallBytes = randomBytes(200_000);
    const largeBytes = randomBytes(11 * MIB);
    await writeFile(small, smallBytes);
    await writeFile(large, largeBytes);
    const ratios: number[] = [];
    const signal = new AbortController().signal;
    await uploadFile({
      config: config(),
      credentials: s3.credentials,
      file: small,
      key: 'up1/small.mov',
      signal,
    });
    await expect(
      uploadFile({
        config: config(),
        credentials: s3.credentials,
        file: large,
        key: 'up1/large.mov',
        signal,
        multipartThresholdBytes: 6 * MIB,
        partSizeBytes: 5 * MIB,
        onProgress: (r) => ratios.push(r),
      }),
    ).resolves.toEqual({ bytes: 11 * MIB });
    expect(sha(await stored('up1/small.mov'))).toBe(sha(smallBytes));
    expect(sha(await stored('up1/large.mov'))).toBe(sha(largeBytes));
    expect(ratios.at(-1)).toBe(1);
    await deleteObject(config(), 'up1/large.mov', { credentials: s3.credentials });
    await missing('up1/large.mov');
  });

  it('a cancel stops the upload and leaves nothing stored under the key', async () => {
    const dir = await scratchDir('file-upload-');
    const file = path.join(dir, 'film.mov');
    await writeFile(file, randomBytes(24 * MIB));
    const controller = new AbortController();
    const upload = uploadFile({
      config: config(),
      credentials: s3.credentials,
      file,
      key: 'up2/film.mov',
      signal: controller.signal,
      multipartThresholdBytes: 6 * MIB,
      partSizeBytes: 5 * MIB,
      concurrency: 1,
      // A local server can take the whole file between two 250 ms ticks; tick often, cancel mid-way.
      progressIntervalMs: 5,
      onProgress: (r) => r > 0 && r < 1 && controller.abort(),
    });
    await expect(upload).rejects.toMatchObject({ code: 'CANCELLED' });
    await missing('up2/film.mov');
  });

  it('a bucket that does not exist is named in the error', async () => {
    const dir = await scratchDir('file-upload-');
    const file = path.join(dir, 'film.mov');
    await writeFile(file, randomBytes(1000));
    await expect(
      uploadFile({
        config: config('no-such-bucket-here'),
        credentials: s3.credentials,
        file,
        key: 'x/film.mov',
        signal: new AbortController().signal,
        retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 },
      }),
    ).rejects.toThrow(/bucket "no-such-bucket-here" at http:\/\/127\.0\.0\.1:\d+ does not exist/);
  });
});
