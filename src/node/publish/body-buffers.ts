import { createHash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { StudioError } from '../../common/errors.js';

const GRAIN = 1024 * 1024;

/**
 * Bytes of request bodies held at once: eight 4 MB segments fit (fewer in flight made a first publish to
 * radosgw a third slower in wall time than rclone's eight transfers), eight 16 MiB files do not.
 */
export const BODY_BUDGET = 48 * GRAIN;

/**
 * Request bodies read once into memory, so one read serves the Content-MD5 and the send. Buffers are
 * reused and their total is bounded by `budget`: a body that does not fit waits for one to come back
 * (never with ordinary segments: only files of several MB each, or parts, hit it), and one body
 * bigger than the budget still goes, alone. Reuse keeps the peak RSS flat, where a fresh buffer per file
 * would wait for the garbage collector.
 */
export class BodyBuffers {
  private readonly free: Buffer[] = [];
  private allocated = 0;
  private waiting: (() => void)[] = [];

  constructor(private readonly budget = BODY_BUDGET) {}

  async use<T>(bytes: number, run: (body: Buffer) => Promise<T>): Promise<T> {
    const size = Math.max(GRAIN, Math.ceil(bytes / GRAIN) * GRAIN);
    let buffer = this.take(size);
    while (!buffer) {
      await new Promise<void>((resolve) => this.waiting.push(resolve));
      buffer = this.take(size);
    }
    try {
      return await run(buffer.subarray(0, bytes));
    } finally {
      this.free.push(buffer);
      for (const wake of this.waiting.splice(0)) wake();
    }
  }

  /** The smallest free buffer that fits, else a new one within the budget (dropping free ones), else none. */
  private take(size: number): Buffer | undefined {
    let best = -1;
    for (const [i, b] of this.free.entries())
      if (b.length >= size && (best < 0 || b.length < this.free[best]!.length)) best = i;
    if (best >= 0) return this.free.splice(best, 1)[0];
    while (this.allocated + size > this.budget && this.free.length) this.allocated -= this.free.pop()!.length;
    if (this.allocated > 0 && this.allocated + size > this.budget) return undefined;
    this.allocated += size;
    return Buffer.allocUnsafeSlow(size);
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

/** One scratch buffer for hashing files: used only inside a synchronous call, so never shared. */
const scratch = Buffer.allocUnsafeSlow(GRAIN);

/**
 * MD5 of a whole file for its Content-MD5, read synchronously through a 1 MiB buffer (the file is in the
 * page cache; see readFileInto), checked to be the file the package was read with.
 */
export function md5OfFile(file: {
  absPath: string;
  relPath: string;
  bytes: number;
  mtimeMs: number;
}): Buffer {
  const fd = openSync(file.absPath, 'r');
  try {
    const md5 = createHash('md5');
    let done = 0;
    while (done < file.bytes) {
      const read = readSync(fd, scratch, 0, Math.min(GRAIN, file.bytes - done), done);
      if (read === 0) break;
      md5.update(scratch.subarray(0, read));
      done += read;
    }
    const now = fstatSync(fd);
    if (done < file.bytes || now.size !== file.bytes || now.mtimeMs !== file.mtimeMs)
      throw changedOnDisk(file);
    return md5.digest();
  } finally {
    closeSync(fd);
  }
}
