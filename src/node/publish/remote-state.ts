import type { PlannedFile } from '../../common/publish/publish-events.js';
import { describeFailure } from './s3-errors.js';
import type { PublishFile } from './local-package.js';
import type { HeadResult, ListedPage, S3Rest } from './s3-rest.js';
import { recorded, type PublishRecord, type RecordedObject } from './publish-record.js';
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

/** One object as a listing shows it. */
export interface ListedObject {
  size: number;
  etag: string;
}

/** What the store holds under the package's prefixes, or undefined when listing is not allowed. */
export type Listing = Map<string, ListedObject> | undefined;

/**
 * Which files are already in the store, identical: same bytes (SHA-256), same size and the same headers.
 * The listing tells what exists and its ETag; where the local publish record says we stored that very
 * ETag from a file with this SHA-256 and these headers, the object is known without a request and
 * without reading the file. Only objects the record cannot vouch for are HEAD-requested (their SHA-256 is
 * in our metadata), and what a HEAD confirms is recorded so the next run needs none. Stores that refuse
 * listing (no s3:ListBucket) get a HEAD per file.
 */
export async function planUploads(
  rest: S3Rest,
  entries: { file: PublishFile; key: string }[],
  options: {
    concurrency: number;
    force: boolean;
    signal: AbortSignal;
    listing: Listing;
    record?: PublishRecord;
  },
): Promise<PlanEntry[]> {
  if (options.force) return entries.map((e) => ({ ...e, action: 'upload', reason: 'forced' }));
  const { listing, record } = options;
  return runLimited(entries, options.concurrency, async (entry): Promise<PlanEntry> => {
    const gzip = entry.file.headers.contentEncoding === 'gzip';
    if (listing) {
      const listed = listing.get(entry.key);
      if (listed === undefined) return { ...entry, action: 'upload', reason: 'missing' };
      if (!gzip && listed.size !== entry.file.bytes) return { ...entry, action: 'upload', reason: 'changed' };
      const known = record?.get(entry.key);
      if (known && known.etag === listed.etag) {
        const verdict = compareRecorded(known, entry.file);
        return verdict === 'same'
          ? { ...entry, action: 'skip' }
          : { ...entry, action: 'upload', reason: verdict };
      }
    }
    const head = await headObject(rest, entry.key, options.signal);
    if (head === 'missing') return { ...entry, action: 'upload', reason: 'missing' };
    if (head === 'unknown') return { ...entry, action: 'upload', reason: 'unknown' };
    const verdict = compareHead(head, entry.file);
    if (verdict !== 'same') return { ...entry, action: 'upload', reason: verdict };
    if (head.etag) record?.note(entry.key, recorded(head.etag, entry.file.sha256, entry.file.headers));
    return { ...entry, action: 'skip' };
  });
}

function compareRecorded(known: RecordedObject, file: PublishFile): 'same' | 'changed' | 'headers' {
  if (known.sha256 !== file.sha256) return 'changed';
  if (
    known.contentType !== file.headers.contentType ||
    known.cacheControl !== file.headers.cacheControl ||
    known.contentEncoding !== file.headers.contentEncoding
  )
    return 'headers';
  return 'same';
}

export function compareHead(head: HeadResult, file: PublishFile): 'same' | 'changed' | 'headers' {
  const gzip = file.headers.contentEncoding === 'gzip';
  if (head.sha256 !== file.sha256) return 'changed';
  if (!gzip && head.bytes !== file.bytes) return 'changed';
  if (
    head.contentType !== file.headers.contentType ||
    head.cacheControl !== file.headers.cacheControl ||
    head.contentEncoding !== file.headers.contentEncoding
  )
    return 'headers';
  return 'same';
}

/**
 * Key → size and ETag under the prefixes (one request per 1,000 objects), or undefined when listing is
 * not allowed. `firstPage` is a page already fetched for the first prefix (the preflight's).
 */
export async function listPrefixes(
  rest: S3Rest,
  prefixes: string[],
  signal: AbortSignal,
  firstPage?: ListedPage,
): Promise<Listing> {
  const objects = new Map<string, ListedObject>();
  for (const [i, prefix] of prefixes.entries()) {
    let token: string | undefined;
    let page = i === 0 ? firstPage : undefined;
    do {
      try {
        page ??= await retryRequest(() => rest.listPage(prefix, token, signal), { signal });
      } catch (error) {
        if (describeFailure(error).code === 'AccessDenied') return undefined;
        throw error;
      }
      for (const o of page.contents) objects.set(o.key, { size: o.size, etag: o.etag });
      token = page.nextToken;
      page = undefined;
    } while (token);
  }
  return objects;
}

export async function headObject(
  rest: S3Rest,
  key: string,
  signal: AbortSignal,
): Promise<HeadResult | 'missing' | 'unknown'> {
  try {
    return await retryRequest(() => rest.headObject(key, signal), { signal });
  } catch (error) {
    const status = describeFailure(error).status;
    if (status === 404) return 'missing';
    // Without s3:ListBucket a missing object answers 403: upload it to be sure.
    if (status === 403) return 'unknown';
    throw error;
  }
}
