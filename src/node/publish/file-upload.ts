import { stat } from 'node:fs/promises';
import path from 'node:path';
import { DEFAULT_RETRY, type RetryPolicy } from '../../common/publish/backoff.js';
import { resolveStore, type S3TargetConfig } from '../../common/publish/publish-target.js';
import { s3Sdk } from './s3-sdk.js';
import { digestFile } from './file-digest.js';
import type { PublishFile } from './local-package.js';
import { openS3Clients, type StaticCredentials } from './s3-client.js';
import { toPublishError } from './s3-errors.js';
import { uploadInPhases } from './s3-uploader.js';

export interface FileUpload {
  /** The store settings (endpoint, region, path style, profile); `bucket` is where the object goes. */
  config: S3TargetConfig;
  credentials?: StaticCredentials;
  /** The local file, streamed (or sent multipart) from disk: never read whole into memory. */
  file: string;
  key: string;
  signal: AbortSignal;
  /** Bytes sent over bytes in all, every `progressIntervalMs` (250 ms unless set) and once at the end. */
  onProgress?: (ratio: number) => void;
  progressIntervalMs?: number;
  retry?: RetryPolicy;
  concurrency?: number;
  multipartThresholdBytes?: number;
  partSizeBytes?: number;
  env?: NodeJS.ProcessEnv;
}

/**
 * One local file to one object key, with the publisher's own upload path (uploadInPhases: Content-MD5
 * on every request, multipart above the threshold, the retry policy, cancel). On a failure or a cancel
 * whatever was stored of it is deleted. Errors are the publisher's (`bucket "x" does not exist`).
 */
export async function uploadFile(upload: FileUpload): Promise<{ bytes: number }> {
  const info = await stat(upload.file);
  const file: PublishFile = {
    relPath: path.basename(upload.file),
    absPath: upload.file,
    bytes: info.size,
    mtimeMs: info.mtimeMs,
    sha256: (await digestFile(upload.file)).sha256,
    role: 'other',
    headers: { contentType: 'application/octet-stream', cacheControl: 'no-store' },
  };
  const store = resolveStore(upload.config);
  const concurrency = upload.concurrency ?? 4;
  const clients = openS3Clients(upload.config, store, {
    concurrency,
    ...(upload.credentials ? { credentials: upload.credentials } : {}),
    ...(upload.env ? { env: upload.env } : {}),
  });
  try {
    await uploadInPhases([{ phase: 'media', entries: [{ file, key: upload.key }] }], {
      ...clients,
      bucket: upload.config.bucket,
      endpoint: store.endpoint,
      concurrency,
      retry: upload.retry ?? DEFAULT_RETRY,
      signal: upload.signal,
      multipartThresholdBytes: upload.multipartThresholdBytes,
      partSizeBytes: upload.partSizeBytes,
      progressIntervalMs: upload.progressIntervalMs,
      emit: (event) => {
        if (event.type === 'progress' && event.bytesTotal > 0)
          upload.onProgress?.(event.bytesDone / event.bytesTotal);
      },
    });
    return { bytes: file.bytes };
  } catch (error) {
    // Not on the upload's signal: it may be the reason we are here. A failed delete changes nothing.
    await deleteObject(upload.config, upload.key, {
      ...(upload.credentials ? { credentials: upload.credentials } : {}),
      ...(upload.env ? { env: upload.env } : {}),
      signal: AbortSignal.timeout(10_000),
    }).catch(() => undefined);
    throw error;
  } finally {
    clients.close();
  }
}

/** Deletes one object (a missing one is no error). */
export async function deleteObject(
  config: S3TargetConfig,
  key: string,
  options: { credentials?: StaticCredentials; signal?: AbortSignal; env?: NodeJS.ProcessEnv } = {},
): Promise<void> {
  const store = resolveStore(config);
  const clients = openS3Clients(config, store, {
    concurrency: 1,
    ...(options.credentials ? { credentials: options.credentials } : {}),
    ...(options.env ? { env: options.env } : {}),
  });
  try {
    await clients.sdk().send(new (s3Sdk().DeleteObjectCommand)({ Bucket: config.bucket, Key: key }), {
      abortSignal: options.signal ?? AbortSignal.timeout(30_000),
    });
  } catch (error) {
    throw toPublishError(error, { bucket: config.bucket, endpoint: store.endpoint, what: `deleting ${key}` });
  } finally {
    clients.close();
  }
}
