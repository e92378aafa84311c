/** `s3://bucket/prefix` and `gs://bucket/prefix` targets, object keys and the URLs players fetch them from. */

export interface BucketLocation {
  /** `gs://` means Google Cloud Storage through its S3-interoperable API. */
  store: 's3' | 'gcs';
  bucket: string;
  /** Normalised: no leading or trailing slash, no empty, `.` or `..` segments; '' for the bucket root. */
  prefix: string;
}

// S3 bucket naming rules (3-63 chars, lowercase, digits, dots, hyphens); GCS also allows underscores.
const BUCKET = /^[a-z0-9][a-z0-9._-]{1,61}[a-z0-9]$/;

export function isTargetUrl(value: string): boolean {
  return /^(s3|gs):\/\//i.test(value);
}

/** Parses `s3://bucket/some/prefix`; throws an Error whose message says what is wrong. */
export function parseTargetUrl(value: string): BucketLocation {
  const match = /^(s3|gs):\/\/([^/?#]*)(\/[^?#]*)?$/i.exec(value.trim());
  if (!match) throw new Error(`"${value}" is not an s3://bucket/prefix or gs://bucket/prefix URL`);
  const bucket = match[2]!;
  checkBucketName(bucket);
  return {
    store: match[1]!.toLowerCase() === 'gs' ? 'gcs' : 's3',
    bucket,
    prefix: normalizePrefix(match[3] ?? ''),
  };
}

export function checkBucketName(bucket: string): void {
  if (!BUCKET.test(bucket) || bucket.includes('..'))
    throw new Error(
      `"${bucket}" is not a valid bucket name (3-63 lowercase letters, digits, dots, hyphens or underscores)`,
    );
}

/** `/a//b/` → `a/b`; rejects `.`/`..` segments, which stores treat literally but URLs resolve away. */
export function normalizePrefix(prefix: string): string {
  const parts = prefix.split('/').filter((p) => p !== '');
  if (parts.some((p) => p === '.' || p === '..'))
    throw new Error(`prefix "${prefix}" may not contain "." or ".." segments`);
  return parts.join('/');
}

/**
 * The object key of a package file. `relPath` is relative to the package root and may climb out of it
 * once, for the keys folder beside the package (`../name.keys/key-0.key`), exactly as the playlists'
 * relative key URIs do; the package itself lives at `<prefix>/<packageName>/`.
 */
export function objectKey(prefix: string, packageName: string, relPath: string): string {
  const parts = [...(prefix ? prefix.split('/') : []), packageName];
  for (const part of relPath.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (parts.length <= (prefix ? prefix.split('/').length : 0))
        throw new Error(`${relPath} climbs out of the target prefix`);
      parts.pop();
    } else parts.push(part);
  }
  return parts.join('/');
}

/** A URL for an object key under a base URL that serves the bucket root; each key segment is escaped. */
export function objectUrl(bucketRootUrl: string, key: string): string {
  const base = bucketRootUrl.endsWith('/') ? bucketRootUrl : `${bucketRootUrl}/`;
  return base + key.split('/').map(encodeURIComponent).join('/');
}
