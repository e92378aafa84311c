import type { S3Client } from '@aws-sdk/client-s3';
import { StudioError } from '../../common/errors.js';
import { DEFAULT_RETRY, withRetry, type RetryPolicy } from '../../common/publish/backoff.js';
import type { ProgressMeter } from '../../common/publish/progress-meter.js';
import type { PublishEvent } from '../../common/publish/publish-events.js';
import { retryDecision } from './s3-errors.js';
import type { S3Rest } from './s3-rest.js';
import type { PublishFile } from './local-package.js';
import type { BodyBuffers } from './body-buffers.js';
import { normalizeEtag, type PublishRecord } from './publish-record.js';
import type { Semaphore } from './upload-pool.js';

/** What every upload request shares: the client, the request slots, the retry policy, cancellation. */
export interface UploadContext {
  /** PutObject and HEAD without the SDK. */
  rest: S3Rest;
  /** The SDK client, created on first use (multipart uploads). */
  sdk: () => S3Client;
  bucket: string;
  concurrency: number;
  /** At most `concurrency` requests in flight, whatever mix of whole files and parts. */
  requests: Semaphore;
  /** Reused request bodies; one per request slot at most. */
  buffers: BodyBuffers;
  record?: PublishRecord;
  retry: RetryPolicy;
  /** Aborted on cancel or on the first failure that ends the publish. */
  signal: AbortSignal;
  meter: ProgressMeter;
  emit: (event: PublishEvent) => void;
  acl?: string;
  storageClass?: string;
  random?: () => number;
}

/** `attempt` under the retry policy, reporting each retry as an event. */
export function retried<T>(ctx: UploadContext, path: string, attempt: (n: number) => Promise<T>): Promise<T> {
  return withRetry(attempt, {
    policy: ctx.retry,
    classify: retryDecision,
    signal: ctx.signal,
    random: ctx.random,
    onRetry: ({ attempt: n, delayMs, reason }) =>
      ctx.emit({ type: 'retry', path, attempt: n, delayMs, reason }),
  });
}

/** Does the ETag look like an MD5 (not SSE-KMS, not a multipart or composite ETag)? */
export function isMd5Etag(etag: string | undefined): boolean {
  return /^[0-9a-f]{32}$/.test(normalizeEtag(etag));
}

/** The ETag of a simple PUT or a part is the hex MD5 of its bytes on S3, GCS, R2 and radosgw. */
export function checkEtag(etag: string | undefined, md5: Buffer, what: string): void {
  const value = normalizeEtag(etag);
  if (isMd5Etag(etag) && value !== md5.toString('hex'))
    throw new StudioError(
      'PUBLISH_INTEGRITY',
      `${what}: the store kept other bytes than were sent (ETag ${value}, MD5 sent ${md5.toString('hex')})`,
    );
}

/** After an upload whose ETag proves nothing (multipart, SSE-KMS): the stored size and our hash must be there. */
export async function confirmByHead(
  ctx: UploadContext,
  key: string,
  file: PublishFile,
  bytes: number,
): Promise<void> {
  const head = await ctx.requests.use(() => ctx.rest.headObject(key, ctx.signal));
  if (head.bytes !== bytes || head.sha256 !== file.sha256)
    throw new StudioError(
      'PUBLISH_INTEGRITY',
      `${file.relPath}: the store holds ${head.bytes} bytes (sha256 ${head.sha256 ?? 'none'}), ` +
        `sent ${bytes} bytes (sha256 ${file.sha256})`,
    );
}

/** A bucket-level request (listing, HEAD, CORS) retried like uploads are, without an UploadContext. */
export function retryRequest<T>(
  run: () => Promise<T>,
  options: { signal: AbortSignal; policy?: RetryPolicy; random?: () => number },
): Promise<T> {
  return withRetry(run, {
    policy: options.policy ?? DEFAULT_RETRY,
    classify: retryDecision,
    signal: options.signal,
    random: options.random,
  });
}
