import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

export interface Digest {
  /** Raw MD5, for Content-MD5 (base64) and comparing with an ETag (hex). */
  md5: Buffer;
  sha256: string;
  bytes: number;
}

/**
 * MD5 and SHA-256 of a file or of the byte range [start, end) in one streaming read: memory stays
 * bounded whatever the size. For files not described by video.json, and the whole-file check before a
 * multipart upload; single PUTs hash the buffer they send instead (body-buffers.ts).
 */
export function digestFile(file: string, range?: { start: number; end: number }): Promise<Digest> {
  return new Promise((resolve, reject) => {
    const md5 = createHash('md5');
    const sha = createHash('sha256');
    let bytes = 0;
    const stream = range
      ? createReadStream(file, { start: range.start, end: range.end - 1, highWaterMark: 1 << 20 })
      : createReadStream(file, { highWaterMark: 1 << 20 });
    stream
      .on('data', (chunk) => {
        const buf = chunk as Buffer;
        md5.update(buf);
        sha.update(buf);
        bytes += buf.length;
      })
      .on('error', reject)
      .on('end', () => resolve({ md5: md5.digest(), sha256: sha.digest('hex'), bytes }));
  });
}

/** Raw MD5 of a body in memory, for Content-MD5. */
export function md5Of(data: Uint8Array): Buffer {
  return createHash('md5').update(data).digest();
}

export function digestBuffer(data: Uint8Array): Digest {
  return {
    md5: createHash('md5').update(data).digest(),
    sha256: createHash('sha256').update(data).digest('hex'),
    bytes: data.length,
  };
}
