import { createHash } from 'node:crypto';
import { appendFile, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ObjectHeaders } from '../../common/publish/object-headers.js';

/** What we stored under one key: enough to recognise it again from a listing alone. */
export interface RecordedObject {
  /** The ETag the store gave (or will list) for these bytes, lower-case, without quotes. */
  etag: string;
  /** SHA-256 of the local file the object was made from (before any gzip). */
  sha256: string;
  contentType: string;
  cacheControl: string;
  contentEncoding?: string;
}

type Line = [
  key: string,
  etag: string,
  sha256: string,
  contentType: string,
  cacheControl: string,
  encoding?: string,
];

/**
 * A local journal of the objects this machine stored at one place (endpoint, bucket, package prefix).
 * A listing gives each key's ETag, not its metadata: an ETag equal to the one recorded proves the object
 * is still the one we sent (same MD5, so the same bytes), so an unchanged re-publish needs no HEAD and no
 * read of any file. A key the journal does not know, or whose ETag moved, falls back to a HEAD.
 *
 * One JSON line per stored object, appended as uploads finish (a killed run keeps what it recorded),
 * compacted to one line per key when the run ends. Losing the file only costs HEAD requests.
 */
export class PublishRecord {
  private pending: string[] = [];
  private writing: Promise<void> = Promise.resolve();
  private appended = 0;

  private constructor(
    readonly file: string,
    private readonly objects: Map<string, RecordedObject>,
  ) {}

  /** The journal for one place; a missing or damaged file is an empty journal. */
  static async open(dir: string, place: { endpoint: string; bucket: string; prefix: string }) {
    const id = createHash('sha256')
      .update(`${place.endpoint}\n${place.bucket}\n${place.prefix}`)
      .digest('hex')
      .slice(0, 32);
    const file = path.join(dir, `${id}.jsonl`);
    const objects = new Map<string, RecordedObject>();
    const text = await readFile(file, 'utf8').catch(() => '');
    for (const line of text.split('\n')) {
      try {
        const [key, etag, sha256, contentType, cacheControl, contentEncoding] = JSON.parse(line) as Line;
        if (typeof key === 'string' && typeof etag === 'string')
          objects.set(key, {
            etag,
            sha256,
            contentType,
            cacheControl,
            ...(contentEncoding ? { contentEncoding } : {}),
          });
      } catch {
        // A line cut short by a kill: that object just gets a HEAD next time.
      }
    }
    return new PublishRecord(file, objects);
  }

  get(key: string): RecordedObject | undefined {
    return this.objects.get(key);
  }

  get size(): number {
    return this.objects.size;
  }

  /** Notes a stored object; written out by the next flush(). */
  note(key: string, object: RecordedObject): void {
    this.objects.set(key, object);
    this.pending.push(JSON.stringify(lineOf(key, object)) + '\n');
  }

  /** Appends what was noted since the last flush. Failures are ignored: the journal is only a cache. */
  flush(): Promise<void> {
    if (this.pending.length === 0) return this.writing;
    const text = this.pending.join('');
    this.appended += this.pending.length;
    this.pending = [];
    this.writing = this.writing.then(async () => {
      try {
        await mkdir(path.dirname(this.file), { recursive: true });
        await appendFile(this.file, text, { mode: 0o600 });
      } catch {
        // read-only home, full disk: the next run HEADs instead
      }
    });
    return this.writing;
  }

  /** Flushes, then rewrites the file with one line per key if this run added any. */
  async close(): Promise<void> {
    await this.flush();
    if (this.appended === 0) return;
    const text = [...this.objects].map(([key, o]) => JSON.stringify(lineOf(key, o)) + '\n').join('');
    const temp = `${this.file}.${process.pid}.tmp`;
    try {
      await writeFile(temp, text, { mode: 0o600 });
      await rename(temp, this.file);
    } catch {
      // the appended lines stay valid
    }
  }
}

function lineOf(key: string, o: RecordedObject): Line {
  const line: Line = [key, o.etag, o.sha256, o.contentType, o.cacheControl];
  if (o.contentEncoding) line.push(o.contentEncoding);
  return line;
}

/** The record entry for a file stored with `headers`. */
export function recorded(etag: string, sha256: string, headers: ObjectHeaders): RecordedObject {
  return {
    etag: normalizeEtag(etag),
    sha256,
    contentType: headers.contentType,
    cacheControl: headers.cacheControl,
    ...(headers.contentEncoding ? { contentEncoding: headers.contentEncoding } : {}),
  };
}

export function normalizeEtag(etag: string | undefined): string {
  return etag?.replace(/"/g, '').toLowerCase() ?? '';
}

/**
 * The ETag S3 (and radosgw, MinIO) gives a multipart object: the MD5 of the parts' binary MD5s, then
 * `-` and the part count. Stores that do otherwise (GCS) only cost a HEAD on the next run.
 */
export function multipartEtag(partMd5s: Buffer[]): string {
  return `${createHash('md5').update(Buffer.concat(partMd5s)).digest('hex')}-${partMd5s.length}`;
}
