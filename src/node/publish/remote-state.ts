import {
  HeadObjectCommand,
  ListObjectsV2Command,
  type HeadObjectCommandOutput,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { PlannedFile } from '../../common/publish/publish-events.js';
import { describeFailure } from './s3-errors.js';
import type { PublishFile } from './local-package.js';
import { retryRequest } from './upload-context.js';
import { runLimited } from './upload-pool.js';

/** Metadata key holding the SHA-256 of the published file (x-amz-meta-sha256). */
export const SHA256_META = 'sha256';

export interface PlanEntry {
  file: PublishFile;
  key: string;
  action: 'upload' | 'skip';
  reason?: PlannedFile['reason'];
}

/**
 * Which files are already in the store, identical: same SHA-256 in our metadata, same size and the same
 * headers. One listing of the package's prefixes tells what exists; only objects that exist with a
 * plausible size are HEAD-requested. Stores that refuse listing (no s3:ListBucket) get a HEAD per file.
 */
export async function planUploads(
  client: S3Client,
  bucket: string,
  entries: { file: PublishFile; key: string }[],
  options: { concurrency: number; force: boolean; signal: AbortSignal; listPrefixes: string[] },
): Promise<PlanEntry[]> {
  if (options.force) return entries.map((e) => ({ ...e, action: 'upload', reason: 'forced' }));
  const sizes = await listSizes(client, bucket, options.listPrefixes, options.signal);
  return runLimited(entries, options.concurrency, async (entry): Promise<PlanEntry> => {
    const gzip = entry.file.headers.contentEncoding === 'gzip';
    if (sizes) {
      const size = sizes.get(entry.key);
      if (size === undefined) return { ...entry, action: 'upload', reason: 'missing' };
      if (!gzip && size !== entry.file.bytes) return { ...entry, action: 'upload', reason: 'changed' };
    }
    const head = await headObject(client, bucket, entry.key, options.signal);
    if (head === 'missing') return { ...entry, action: 'upload', reason: 'missing' };
    if (head === 'unknown') return { ...entry, action: 'upload', reason: 'unknown' };
    const verdict = compareHead(head, entry.file);
    return verdict === 'same'
      ? { ...entry, action: 'skip' }
      : { ...entry, action: 'upload', reason: verdict };
  });
}

export function compareHead(
  head: HeadObjectCommandOutput,
  file: PublishFile,
): 'same' | 'changed' | 'headers' {
  const gzip = file.headers.contentEncoding === 'gzip';
  if (head.Metadata?.[SHA256_META] !== file.sha256) return 'changed';
  if (!gzip && head.ContentLength !== file.bytes) return 'changed';
  if (
    head.ContentType !== file.headers.contentType ||
    head.CacheControl !== file.headers.cacheControl ||
    (head.ContentEncoding ?? undefined) !== file.headers.contentEncoding
  )
    return 'headers';
  return 'same';
}

/** Key → size under the prefixes, or undefined when listing is not allowed. */
async function listSizes(
  client: S3Client,
  bucket: string,
  prefixes: string[],
  signal: AbortSignal,
): Promise<Map<string, number> | undefined> {
  const sizes = new Map<string, number>();
  for (const prefix of prefixes) {
    let token: string | undefined;
    do {
      try {
        const page = await retryRequest(
          () =>
            client.send(
              new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
              {
                abortSignal: signal,
              },
            ),
          { signal },
        );
        for (const o of page.Contents ?? []) if (o.Key) sizes.set(o.Key, o.Size ?? 0);
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } catch (error) {
        if (describeFailure(error).code === 'AccessDenied') return undefined;
        throw error;
      }
    } while (token);
  }
  return sizes;
}

export async function headObject(
  client: S3Client,
  bucket: string,
  key: string,
  signal: AbortSignal,
): Promise<HeadObjectCommandOutput | 'missing' | 'unknown'> {
  try {
    return await retryRequest(
      () => client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }), { abortSignal: signal }),
      { signal },
    );
  } catch (error) {
    const status = describeFailure(error).status;
    if (status === 404) return 'missing';
    // Without s3:ListBucket a missing object answers 403: upload it to be sure.
    if (status === 403) return 'unknown';
    throw error;
  }
}
