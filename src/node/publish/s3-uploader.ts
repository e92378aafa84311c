import { setMaxListeners } from 'node:events';
import { gzipSync } from 'node:zlib';
import type { S3Client } from '@aws-sdk/client-s3';
import { StudioError } from '../../common/errors.js';
import type { RetryPolicy } from '../../common/publish/backoff.js';
import { ProgressMeter } from '../../common/publish/progress-meter.js';
import type { PublishEvent } from '../../common/publish/publish-events.js';
import type { PublishPhase } from '../../common/publish/upload-order.js';
import { BodyBuffers, changedOnDisk, md5OfFile, readFileInto } from './body-buffers.js';
import { digestBuffer, md5Of } from './file-digest.js';
import type { PublishFile } from './local-package.js';
import { recorded, type PublishRecord } from './publish-record.js';
import { SHA256_META } from './remote-state.js';
import { uploadMultipart } from './s3-multipart.js';
import type { FileBody, S3Rest } from './s3-rest.js';
import { describeFailure, toPublishError } from './s3-errors.js';
import { checkEtag, confirmByHead, isMd5Etag, retried, type UploadContext } from './upload-context.js';
import { runLimited, Semaphore } from './upload-pool.js';

export interface UploadEntry {
  file: PublishFile;
  key: string;
}

export interface UploadOptions {
  rest: S3Rest;
  sdk: () => S3Client;
  bucket: string;
  endpoint?: string;
  concurrency: number;
  retry: RetryPolicy;
  signal: AbortSignal;
  emit: (event: PublishEvent) => void;
  /** Files left out because the store already has them, for the progress counts. */
  skipped?: number;
  acl?: string;
  storageClass?: string;
  /** Files at least this big go multipart (default 16 MiB). */
  multipartThresholdBytes?: number;
  /** Part size (default 8 MiB; S3's minimum of 5 MiB is enforced). */
  partSizeBytes?: number;
  progressIntervalMs?: number;
  random?: () => number;
  /** Where stored objects are noted, so the next run knows them from a listing. */
  record?: PublishRecord;
}

export interface UploadStats {
  uploaded: number;
  bytesSent: number;
  multipart: number;
}

export const MIB = 1024 * 1024;
/** Files this big go multipart; below it a file is one PUT from one buffer. */
export const DEFAULT_MULTIPART_THRESHOLD = 16 * MIB;

/**
 * Uploads phase by phase (a barrier between phases keeps playlists behind what they name), up to
 * `concurrency` requests at once, every body read once into a reused buffer and sent with its Content-MD5. The first file
 * that fails for good cancels the rest; cancelling stops in-flight requests at once.
 */
export async function uploadInPhases(
  phases: { phase: PublishPhase; entries: UploadEntry[] }[],
  options: UploadOptions,
): Promise<UploadStats> {
  const controller = new AbortController();
  setMaxListeners(0, controller.signal);
  const onAbort = () => controller.abort(options.signal.reason);
  if (options.signal.aborted) throw new StudioError('CANCELLED', 'publish cancelled');
  options.signal.addEventListener('abort', onAbort, { once: true });
  const all = phases.flatMap((p) => p.entries);
  const meter = new ProgressMeter({
    bytes: all.reduce((sum, e) => sum + e.file.bytes, 0),
    files: all.length,
    skipped: options.skipped ?? 0,
  });
  const ctx: UploadContext = {
    rest: options.rest,
    sdk: options.sdk,
    bucket: options.bucket,
    concurrency: options.concurrency,
    requests: new Semaphore(options.concurrency),
    buffers: new BodyBuffers(),
    record: options.record,
    retry: options.retry,
    signal: controller.signal,
    meter,
    emit: options.emit,
    acl: options.acl,
    storageClass: options.storageClass,
    random: options.random,
  };
  const threshold = options.multipartThresholdBytes ?? DEFAULT_MULTIPART_THRESHOLD;
  const partSize = options.partSizeBytes ?? 8 * MIB;
  const stats: UploadStats = { uploaded: 0, bytesSent: 0, multipart: 0 };
  const timer = setInterval(() => {
    // The interval is the throttle: the meter's own 250 ms would swallow a caller's shorter one.
    options.emit({ type: 'progress', ...meter.snapshot() });
    void options.record?.flush();
  }, options.progressIntervalMs ?? 250);
  try {
    for (const { phase, entries } of phases) {
      meter.setPhase(phase);
      options.emit({ type: 'phase', phase, files: entries.length });
      await runLimited(entries, options.concurrency, async (entry) => {
        const { file, key } = entry;
        const multipart = file.headers.contentEncoding !== 'gzip' && file.bytes >= threshold;
        meter.fileStarted(file.relPath, file.bytes);
        try {
          const attempts = multipart
            ? await uploadMultipart(ctx, entry, partSize)
            : await putWhole(ctx, entry);
          meter.fileDone(file.relPath);
          stats.uploaded++;
          stats.bytesSent += file.bytes;
          if (multipart) stats.multipart++;
          options.emit({ type: 'uploaded', path: file.relPath, key, bytes: file.bytes, multipart, attempts });
        } catch (error) {
          meter.fileAbandoned(file.relPath);
          controller.abort(error);
          throw options.signal.aborted
            ? new StudioError('CANCELLED', 'publish cancelled')
            : toPublishError(error, {
                bucket: options.bucket,
                endpoint: options.endpoint,
                what: `uploading ${file.relPath}`,
              });
        }
      });
    }
    return stats;
  } finally {
    clearInterval(timer);
    options.signal.removeEventListener('abort', onAbort);
    options.emit({ type: 'progress', ...meter.snapshot() });
  }
}

/**
 * One PutObject from a buffer read once: its MD5 for Content-MD5, the SHA-256 we already know (video.json
 * or the package read) as the signed payload hash, so the store checks both and nothing hashes the bytes
 * twice. Retried with a fresh read each time. Returns the attempts used.
 */
async function putWhole(ctx: UploadContext, entry: UploadEntry): Promise<number> {
  const { file } = entry;
  let attempts = 1;
  await retried(ctx, file.relPath, async (n) => {
    attempts = n;
    ctx.meter.fileRestarted(file.relPath);
    await ctx.requests.use(() =>
      file.bytes > STREAM_ABOVE && file.headers.contentEncoding !== 'gzip'
        ? putStreamed(ctx, entry)
        : ctx.buffers.use(file.bytes, (source) => putBuffered(ctx, entry, source)),
    );
  });
  return attempts;
}

/** Files above this are hashed, then streamed from disk: eight 4 MB segments in flight held 48 MB. */
const STREAM_ABOVE = 1024 * 1024;

async function putBuffered(ctx: UploadContext, { file, key }: UploadEntry, source: Buffer): Promise<void> {
  readFileInto(source, file);
  let body = source;
  let md5: Buffer;
  let sha256 = file.sha256;
  if (file.headers.contentEncoding === 'gzip') {
    // Playlists are small: compressed in memory, deterministically (gzip mtime 0), so reruns skip them.
    if (digestBuffer(source).sha256 !== file.sha256) throw changedOnDisk(file);
    body = gzipSync(source, { level: 9 });
    ({ md5, sha256 } = digestBuffer(body));
  } else md5 = md5Of(source);
  await send(ctx, { file, key }, body, md5, sha256);
}

/**
 * A large file: its MD5 from one pass through a small buffer (page cache), then the bytes streamed to
 * the socket. The signed SHA-256 is video.json's, so the store refuses bytes that changed in between.
 */
async function putStreamed(ctx: UploadContext, { file, key }: UploadEntry): Promise<void> {
  const md5 = md5OfFile(file);
  await send(ctx, { file, key }, { path: file.absPath, bytes: file.bytes }, md5, file.sha256);
}

async function send(
  ctx: UploadContext,
  { file, key }: UploadEntry,
  body: Buffer | FileBody,
  md5: Buffer,
  sha256: string,
): Promise<void> {
  const out = await ctx.rest
    .putObject(key, body, putHeaders(ctx, file, md5), sha256, ctx.signal)
    .catch((error: unknown) => {
      // The bytes read are not those video.json described (same size and time, other content).
      if (describeFailure(error).code === 'XAmzContentSHA256Mismatch') throw changedOnDisk(file);
      throw error;
    });
  const sent = Buffer.isBuffer(body) ? body.length : body.bytes;
  ctx.meter.addBytes(file.relPath, file.bytes);
  checkEtag(out.etag, md5, file.relPath);
  if (!isMd5Etag(out.etag)) await confirmByHead(ctx, key, file, sent);
  ctx.record?.note(key, recorded(out.etag ?? md5.toString('hex'), file.sha256, file.headers));
}

/** The headers of a PutObject: integrity, the object's own headers (object-headers.ts), our metadata. */
function putHeaders(ctx: UploadContext, file: PublishFile, md5: Buffer): Record<string, string> {
  return {
    'content-md5': md5.toString('base64'),
    'content-type': file.headers.contentType,
    'cache-control': file.headers.cacheControl,
    ...(file.headers.contentEncoding ? { 'content-encoding': file.headers.contentEncoding } : {}),
    [`x-amz-meta-${SHA256_META}`]: file.sha256,
    ...(ctx.acl ? { 'x-amz-acl': ctx.acl } : {}),
    ...(ctx.storageClass ? { 'x-amz-storage-class': ctx.storageClass } : {}),
  };
}
