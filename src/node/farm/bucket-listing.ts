import { resolveStore, type S3TargetConfig } from '../../common/publish/publish-target.js';
import { createS3Client, type S3ClientOptions } from '../publish/s3-client.js';
import { toPublishError } from '../publish/s3-errors.js';
import { s3Sdk } from '../publish/s3-sdk.js';
import { unquote, type NewObject } from './bucket-events.js';

/** The key prefix a watched `s3://bucket/folder` covers: the folder's keys, not `folder-2/…`. */
export const watchedPrefix = (target: S3TargetConfig) => (target.prefix ? `${target.prefix}/` : '');

/**
 * Every object under the target's bucket and prefix, a ListObjectsV2 page (1,000 keys) at a time;
 * folder markers (keys ending in `/`) and empty objects are left out. A store that refuses or cannot be
 * reached is the publisher's error, naming the bucket.
 */
export async function* listBucketObjects(
  target: S3TargetConfig,
  signal: AbortSignal,
  options: Omit<S3ClientOptions, 'concurrency'> = {},
): AsyncGenerator<NewObject> {
  const store = resolveStore(target);
  const client = createS3Client(target, store, { ...options, concurrency: 1 });
  const { ListObjectsV2Command } = s3Sdk();
  try {
    let token: string | undefined;
    do {
      const page = await client
        .send(
          new ListObjectsV2Command({
            Bucket: target.bucket,
            Prefix: watchedPrefix(target),
            ...(token ? { ContinuationToken: token } : {}),
          }),
          { abortSignal: signal },
        )
        .catch((error: unknown) => {
          throw toPublishError(error, {
            bucket: target.bucket,
            ...(store.endpoint ? { endpoint: store.endpoint } : {}),
            what: `listing s3://${target.bucket}/${target.prefix}`,
          });
        });
      for (const o of page.Contents ?? []) {
        if (!o.Key || o.Key.endsWith('/') || !o.Size) continue;
        yield { bucket: target.bucket, key: o.Key, etag: unquote(o.ETag ?? ''), size: o.Size };
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  } finally {
    client.destroy();
  }
}
