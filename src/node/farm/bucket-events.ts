import { z } from 'zod';

/** A new object in a watched bucket: what the watcher queues (once per key and content). */
export interface NewObject {
  bucket: string;
  key: string;
  /** The object's ETag without quotes: a key written again with new content is a new object. */
  etag: string;
  size: number;
}

const record = z.looseObject({
  eventSource: z.string().optional(),
  eventName: z.string(),
  s3: z.looseObject({
    bucket: z.looseObject({ name: z.string().min(1) }),
    object: z.looseObject({
      key: z.string().min(1),
      size: z.number().nonnegative().optional(),
      eTag: z.string().optional(),
    }),
  }),
});

const notification = z.looseObject({ Records: z.array(z.unknown()) });

/**
 * The created objects in an S3 event notification body — the JSON that Amazon S3 (through SNS or a
 * Lambda) and Ceph radosgw (an HTTP push endpoint) send: `{"Records":[{eventName, s3:{bucket,object}}]}`.
 * Only `ObjectCreated:*` counts; test events, deletions, folder markers (keys ending in `/`) and keys
 * outside `prefix` are left out, as are records that do not parse (each is reported). Amazon sends keys
 * form-URL-encoded (`my+film.mp4`); radosgw sends them as they are.
 */
export function createdObjects(body: unknown, prefix = ''): { objects: NewObject[]; skipped: string[] } {
  const parsed = notification.safeParse(body);
  if (!parsed.success) return { objects: [], skipped: ['not an S3 event notification (no Records)'] };
  const objects: NewObject[] = [];
  const skipped: string[] = [];
  for (const [i, raw] of parsed.data.Records.entries()) {
    const r = record.safeParse(raw);
    if (!r.success) {
      skipped.push(
        `record ${i}: ${r.error.issues.map((x) => `${x.path.join('.')}: ${x.message}`).join('; ')}`,
      );
      continue;
    }
    const { eventName, eventSource, s3 } = r.data;
    if (!/^(s3:)?ObjectCreated:/.test(eventName)) continue;
    const key = eventSource?.startsWith('aws:') ? decodeAwsKey(s3.object.key) : s3.object.key;
    if (key.endsWith('/') || !key.startsWith(prefix)) continue;
    objects.push({
      bucket: s3.bucket.name,
      key,
      etag: unquote(s3.object.eTag ?? ''),
      size: s3.object.size ?? 0,
    });
  }
  return { objects, skipped };
}

/** Amazon's event keys are form-encoded: `+` is a space, the rest percent-encoded UTF-8. */
function decodeAwsKey(key: string): string {
  try {
    return decodeURIComponent(key.replace(/\+/g, ' '));
  } catch {
    return key;
  }
}

export const unquote = (etag: string) => etag.replace(/^"|"$/g, '');
