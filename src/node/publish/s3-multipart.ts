import type { ObjectCannedACL, S3Client, StorageClass } from '@aws-sdk/client-s3';
import { s3Sdk } from './s3-sdk.js';
import { StudioError } from '../../common/errors.js';
import { readFileInto } from './body-buffers.js';
import { digestFile, md5Of } from './file-digest.js';
import type { PublishFile } from './local-package.js';
import { multipartEtag, recorded } from './publish-record.js';
import { SHA256_META } from './remote-state.js';
import { withPayloadHash } from './s3-client.js';
import { describeFailure } from './s3-errors.js';
import { checkEtag, confirmByHead, retried, type UploadContext } from './upload-context.js';
import { runLimited } from './upload-pool.js';

/** S3 allows at most 10,000 parts; every part but the last must be at least 5 MiB. */
export function partRanges(size: number, partSize: number): { start: number; end: number }[] {
  const bytes = Math.max(partSize, 5 * 1024 * 1024, Math.ceil(size / 10_000));
  const ranges: { start: number; end: number }[] = [];
  for (let start = 0; start < size; start += bytes)
    ranges.push({ start, end: Math.min(size, start + bytes) });
  return ranges;
}

/**
 * Our own multipart loop (not lib-storage) so each part carries its own Content-MD5 and is retried on its
 * own; the upload is aborted on failure or cancel, since unfinished uploads are billed and on GCS never
 * expire. Returns the most attempts any request needed.
 */
export async function uploadMultipart(
  ctx: UploadContext,
  entry: { file: PublishFile; key: string },
  partSize: number,
): Promise<number> {
  const { file, key } = entry;
  // The SHA-256 goes into the metadata before any part is sent: make sure it is the file's.
  const whole = await digestFile(file.absPath);
  if (whole.sha256 !== file.sha256)
    throw new StudioError('PUBLISH_FAILED', `${file.relPath} changed on disk while publishing`);
  let attempts = 1;
  const created = await retried(ctx, file.relPath, (n) => {
    attempts = Math.max(attempts, n);
    return ctx.requests.use(() =>
      ctx.sdk().send(
        new (s3Sdk().CreateMultipartUploadCommand)({
          Bucket: ctx.bucket,
          Key: key,
          ContentType: file.headers.contentType,
          CacheControl: file.headers.cacheControl,
          Metadata: { [SHA256_META]: file.sha256 },
          ...(ctx.acl ? { ACL: ctx.acl as ObjectCannedACL } : {}),
          ...(ctx.storageClass ? { StorageClass: ctx.storageClass as StorageClass } : {}),
        }),
        { abortSignal: ctx.signal },
      ),
    );
  });
  const uploadId = created.UploadId!;
  try {
    const ranges = partRanges(file.bytes, partSize);
    const md5s: Buffer[] = [];
    const parts = await runLimited(ranges, ctx.concurrency, (range, i) =>
      retried(ctx, `${file.relPath} (part ${i + 1}/${ranges.length})`, (n) => {
        attempts = Math.max(attempts, n);
        // Read only while holding a request slot: memory stays at one part per slot.
        return ctx.requests.use(() =>
          ctx.buffers.use(range.end - range.start, async (body) => {
            readFileInto(body, file, range.start);
            const md5 = md5Of(body);
            const out = await ctx.sdk().send(
              // The part's own SHA-256 is not known; Content-MD5 is what the store checks it against.
              withPayloadHash(
                new (s3Sdk().UploadPartCommand)({
                  Bucket: ctx.bucket,
                  Key: key,
                  UploadId: uploadId,
                  PartNumber: i + 1,
                  Body: body,
                  ContentLength: body.length,
                  ContentMD5: md5.toString('base64'),
                }),
                'UNSIGNED-PAYLOAD',
              ),
              { abortSignal: ctx.signal },
            );
            ctx.meter.addBytes(file.relPath, body.length);
            checkEtag(out.ETag, md5, `${file.relPath} part ${i + 1}`);
            md5s[i] = md5;
            return { PartNumber: i + 1, ETag: out.ETag ?? `"${md5.toString('hex')}"` };
          }),
        );
      }),
    );
    await retried(ctx, file.relPath, async (n) => {
      attempts = Math.max(attempts, n);
      try {
        await ctx.requests.use(() =>
          ctx.sdk().send(
            new (s3Sdk().CompleteMultipartUploadCommand)({
              Bucket: ctx.bucket,
              Key: key,
              UploadId: uploadId,
              MultipartUpload: { Parts: parts },
            }),
            { abortSignal: ctx.signal },
          ),
        );
      } catch (error) {
        // A retry after a lost answer: the first Complete may have succeeded (radosgw answers 404 NoSuchKey).
        const status = describeFailure(error).status;
        if (n === 1 || status !== 404) throw error;
      }
    });
    await retried(ctx, file.relPath, () => confirmByHead(ctx, key, file, file.bytes));
    ctx.record?.note(key, recorded(multipartEtag(md5s), file.sha256, file.headers));
    return attempts;
  } catch (error) {
    await abortQuietly(ctx.sdk(), ctx.bucket, key, uploadId);
    throw error;
  }
}

async function abortQuietly(client: S3Client, bucket: string, key: string, uploadId: string): Promise<void> {
  try {
    // Not on the publish's own signal: that one may be the reason we are here.
    await client.send(
      new (s3Sdk().AbortMultipartUploadCommand)({ Bucket: bucket, Key: key, UploadId: uploadId }),
      {
        abortSignal: AbortSignal.timeout(10_000),
      },
    );
  } catch {
    // Stores without AbortMultipartUpload (s3rver) or a dead network: a lifecycle rule has to clean up.
  }
}

/**
 * Aborts unfinished multipart uploads of our keys left by an earlier, killed publish (they cost storage;
 * on GCS they never expire). Stores without ListMultipartUploads are skipped. Returns how many went.
 */
export async function abortStaleUploads(
  client: S3Client,
  bucket: string,
  prefixes: string[],
  keys: ReadonlySet<string>,
  startedBefore: Date,
  signal: AbortSignal,
): Promise<number> {
  let aborted = 0;
  try {
    for (const prefix of prefixes) {
      const page = await client.send(
        new (s3Sdk().ListMultipartUploadsCommand)({ Bucket: bucket, Prefix: prefix }),
        {
          abortSignal: signal,
        },
      );
      for (const u of page.Uploads ?? []) {
        if (!u.Key || !u.UploadId || !keys.has(u.Key)) continue;
        if (u.Initiated && u.Initiated >= startedBefore) continue;
        await abortQuietly(client, bucket, u.Key, u.UploadId);
        aborted++;
      }
    }
  } catch (error) {
    if (signal.aborted) throw error;
  }
  return aborted;
}
