import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { StudioError } from '../../common/errors.js';

const GRAIN = 1024 * 1024;

/**
 * Request bodies read once into memory, so one read serves the Content-MD5 and the send. The buffers are
 * reused: callers hold one only inside a request slot, so there are never more than `concurrency` of
 * them, each as big as the biggest body it carried (segments: a few MB; parts: the part size). Reusing
 * them keeps the peak RSS flat, where a fresh buffer per file would wait for the garbage collector.
 */
export class BodyBuffers {
  private readonly free: Buffer[] = [];

  async use<T>(bytes: number, run: (body: Buffer) => Promise<T>): Promise<T> {
    let buffer = this.free.pop();
    if (!buffer || buffer.length < bytes)
      buffer = Buffer.allocUnsafeSlow(Math.max(GRAIN, Math.ceil(bytes / GRAIN) * GRAIN));
    try {
      return await run(buffer.subarray(0, bytes));
    } finally {
      this.free.push(buffer);
    }
  }
}

/**
 * Fills `body` with the file's bytes from `start`. The file must still be the one the package was read
 * with (same size and modification time): a file rewritten since would be sent under a stale SHA-256.
 *
 * Synchronous on purpose: the files were just written (page cache) and a body is at most a part, so a
 * read takes about a millisecond, while the promise API (a FileHandle per file, a thread-pool round trip
 * per call) cost five times the CPU of the read itself (docs/publishing.md). The sockets keep sending
 * from their kernel buffers meanwhile.
 */
export function readFileInto(
  body: Buffer,
  file: { absPath: string; relPath: string; bytes: number; mtimeMs: number },
  start = 0,
): void {
  const fd = openSync(file.absPath, 'r');
  try {
    let filled = 0;
    while (filled < body.length) {
      const read = readSync(fd, body, filled, body.length - filled, start + filled);
      if (read === 0) break;
      filled += read;
    }
    const now = fstatSync(fd);
    if (filled < body.length || now.size !== file.bytes || now.mtimeMs !== file.mtimeMs)
      throw changedOnDisk(file);
  } finally {
    closeSync(fd);
  }
}

export function changedOnDisk(file: { absPath: string; relPath: string }): StudioError {
  return new StudioError('PUBLISH_FAILED', `${file.relPath} changed on disk while publishing`, {
    file: file.absPath,
  });
}
