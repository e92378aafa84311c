import { createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import { StudioError } from '../../common/errors.js';
import { resolveStore, type S3TargetConfig } from '../../common/publish/publish-target.js';
import { createS3Client, type StaticCredentials } from '../publish/s3-client.js';
import { describeFailure, toPublishError } from '../publish/s3-errors.js';
import { s3Sdk } from '../publish/s3-sdk.js';
import type { ObjectLocation } from './object-url.js';

export interface RemoteAccess {
  credentials?: StaticCredentials;
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
}

/** What HEAD said about a source object. */
export interface SourceObject {
  location: ObjectLocation;
  bytes: number;
  etag?: string;
}

/**
 * HEAD of the source object, before anything else runs: a missing bucket or object, refused credentials
 * or a store that cannot be reached is an error naming the URL and the cause.
 */
export async function headSource(
  location: ObjectLocation,
  target: S3TargetConfig,
  access: RemoteAccess = {},
): Promise<SourceObject> {
  const client = clientFor(target, access);
  try {
    const head = await client.send(
      new (s3Sdk().HeadObjectCommand)({ Bucket: location.bucket, Key: location.key }),
      { abortSignal: access.signal ?? AbortSignal.timeout(30_000) },
    );
    const bytes = head.ContentLength ?? 0;
    if (bytes === 0)
      throw new StudioError('FILE_EMPTY', `${location.url} is empty (0 bytes)`, { file: location.url });
    return { location, bytes, ...(head.ETag ? { etag: head.ETag } : {}) };
  } catch (error) {
    throw sourceError(error, location, target);
  } finally {
    client.destroy();
  }
}

/** Downloads the source object to `dir`, under its own file name; returns the local path. */
export async function downloadSource(
  source: SourceObject,
  target: S3TargetConfig,
  dir: string,
  access: RemoteAccess & { onProgress?: (bytes: number, total: number) => void } = {},
): Promise<string> {
  const { location } = source;
  const file = path.join(dir, path.posix.basename(location.key));
  const client = clientFor(target, access);
  try {
    const out = await client.send(
      new (s3Sdk().GetObjectCommand)({
        Bucket: location.bucket,
        Key: location.key,
        // The object we checked, not one replaced since (If-Match on the ETag from HEAD).
        ...(source.etag ? { IfMatch: source.etag } : {}),
      }),
      access.signal ? { abortSignal: access.signal } : {},
    );
    const body = out.Body as Readable;
    let done = 0;
    body.on('data', (chunk: Buffer) => {
      done += chunk.length;
      access.onProgress?.(done, source.bytes);
    });
    await pipeline(body, createWriteStream(file), access.signal ? { signal: access.signal } : {});
    const size = (await stat(file)).size;
    if (size !== source.bytes)
      throw new StudioError(
        'IO_ERROR',
        `${location.url}: downloaded ${size} bytes, the store announced ${source.bytes}`,
        { file: location.url },
      );
    return file;
  } catch (error) {
    if (access.signal?.aborted) throw new StudioError('CANCELLED', `download of ${location.url} cancelled`);
    throw sourceError(error, location, target);
  } finally {
    client.destroy();
  }
}

function clientFor(target: S3TargetConfig, access: RemoteAccess) {
  return createS3Client(target, resolveStore(target), {
    concurrency: 1,
    ...(access.credentials ? { credentials: access.credentials } : {}),
    ...(access.env ? { env: access.env } : {}),
  });
}

/** The publisher's words for store failures, with the source URL in front and "not found" made plain. */
function sourceError(error: unknown, location: ObjectLocation, target: S3TargetConfig): StudioError {
  if (error instanceof StudioError) return error;
  const f = describeFailure(error);
  const file = location.url;
  if (f.code === 'NoSuchBucket')
    return new StudioError('FILE_NOT_FOUND', `${file}: bucket "${location.bucket}" does not exist`, { file });
  if (f.code === 'NoSuchKey' || f.code === 'NotFound' || f.status === 404)
    return new StudioError('FILE_NOT_FOUND', `${file}: no such object`, {
      file,
      detail: `HTTP 404 ${f.code}`,
    });
  if (f.code === 'PreconditionFailed' || f.status === 412)
    return new StudioError('IO_ERROR', `${file} was replaced while it was being read; try again`, { file });
  const store = resolveStore(target);
  const e = toPublishError(error, {
    bucket: location.bucket,
    ...(store.endpoint ? { endpoint: store.endpoint } : {}),
    what: `reading ${file}`,
  });
  return new StudioError(
    e.code === 'PUBLISH_FAILED' ? 'IO_ERROR' : e.code,
    e.message.includes(file) ? e.message : `${file}: ${e.message}`,
    {
      file,
      ...(e.detail ? { detail: e.detail } : {}),
    },
  );
}
