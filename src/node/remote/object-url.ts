import { StudioError } from '../../common/errors.js';
import { isTargetUrl, parseTargetUrl } from '../../common/publish/s3-url.js';

/** One object in a store: `s3://bucket/key` or `gs://bucket/key` (GCS through its S3-interoperable API). */
export interface ObjectLocation {
  url: string;
  store: 's3' | 'gcs';
  bucket: string;
  key: string;
}

/** `s3://…` and `gs://…` are objects in a store; anything else is a local path. */
export const isRemoteUrl = isTargetUrl;

/** Parses an object URL; a bucket without a key, or a malformed URL, is a usage error naming the URL. */
export function parseObjectUrl(url: string): ObjectLocation {
  let location;
  try {
    location = parseTargetUrl(url);
  } catch (error) {
    throw new StudioError('INVALID_ARGUMENT', (error as Error).message);
  }
  if (!location.prefix || url.trim().endsWith('/'))
    throw new StudioError(
      'INVALID_ARGUMENT',
      `${url} names a bucket or a folder, not an object (a video file)`,
    );
  return { url, store: location.store, bucket: location.bucket, key: location.prefix };
}
