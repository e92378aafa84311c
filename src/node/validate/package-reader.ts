import { constants } from 'node:fs';
import { open, realpath, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { RetryPolicy } from '../../common/publish/backoff.js';
import { PACKAGE_NAMES } from '../../common/package/package-layout.js';
import { createHttpClient, describeStatus, type HttpStats } from './http-retry.js';

/**
 * Reads a package the same way whether it is a folder on disk or published behind a URL, so one set of
 * rules checks both: everything is addressed by URL (file: or http(s):) and resolved like a player does.
 *
 * Confinement (docs/validation.md): a playlist is untrusted input. Every URL it names must lie inside
 * the package (a folder: after symlinks are resolved; a URL: same origin, under the multivariant
 * playlist's folder) or in the package's keys folder `<name>.keys` beside it. Anything else is refused
 * before any request is made or any file is opened.
 */
export interface PackageReader {
  /** The multivariant playlist. */
  root: URL;
  /** Why `url` may not be read (outside the package, a symlink leading out…), or undefined when it may. */
  refusal(url: URL): Promise<string | undefined>;
  text(url: URL): Promise<string>;
  /** Size in bytes, or undefined when the file is missing (404, ENOENT); throws when refused or unreachable. */
  size(url: URL): Promise<number | undefined>;
  bytes(url: URL, range?: { offset: number; length: number }): Promise<Buffer>;
  /** Requests made and retried (URL packages). */
  stats?: HttpStats;
}

/** A URL the reader will not touch because of the confinement policy. */
export class OutsidePackageError extends Error {
  readonly code = 'OUTSIDE_PACKAGE';
  constructor(url: URL, reason: string) {
    super(`${url.href}: ${reason}`);
    this.name = 'OutsidePackageError';
  }
}

/** How the file reader touches the disk; tests pass a recording one to prove what was opened. */
export interface FileAccess {
  open(file: string, flags: number): Promise<FileHandle>;
  realpath(file: string): Promise<string>;
}

const nodeFiles: FileAccess = { open: (f, flags) => open(f, flags), realpath: (f) => realpath(f) };

export interface OpenPackageOptions {
  /** Where the keys of a package still being built are (its keys folder has another name then). */
  keysDir?: string;
  files?: FileAccess;
  signal?: AbortSignal;
  retry?: RetryPolicy;
  timeoutMs?: number;
}

const MULTIVARIANT = PACKAGE_NAMES.multivariantPlaylist;

export const isUrlTarget = (target: string) => /^https?:\/\//i.test(target);

/** A package folder, a playlist file, or an http(s) URL of a multivariant playlist. */
export function openPackage(target: string, options: OpenPackageOptions = {}): PackageReader {
  if (isUrlTarget(target)) return httpReader(new URL(target), options);
  const file = target.endsWith('.m3u8') ? path.resolve(target) : path.resolve(target, MULTIVARIANT);
  return fileReader(file, options);
}

/** Is `file` (absolute, normalized) `dir` itself or below it? */
function inside(dir: string, file: string): boolean {
  const rel = path.relative(dir, file);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

type Resolved = { file: string } | { refused: string } | { missing: true };

function fileReader(rootFile: string, options: OpenPackageOptions): PackageReader {
  const fs = options.files ?? nodeFiles;
  const packageDir = path.dirname(rootFile);
  const siblingKeys = path.join(path.dirname(packageDir), `${path.basename(packageDir)}.keys`);
  const realDirs = new Map<string, Promise<string | undefined>>();
  const realDir = (dir: string) => {
    let real = realDirs.get(dir);
    if (!real) {
      real = fs.realpath(dir).catch(() => undefined);
      realDirs.set(dir, real);
    }
    return real;
  };
  const resolved = new Map<string, Promise<Resolved>>();

  const resolveUrl = async (url: URL): Promise<Resolved> => {
    if (url.protocol !== 'file:') return { refused: `outside the package (a ${url.protocol} URL)` };
    if (url.host) return { refused: 'outside the package (a file URL on another host)' };
    let file: string;
    try {
      file = fileURLToPath(url);
    } catch (error) {
      return { refused: `not a path: ${(error as Error).message}` };
    }
    // Lexically first: a path outside both areas is refused without touching the disk at all.
    let area: string;
    let actual = file;
    if (inside(packageDir, file)) area = packageDir;
    else if (
      options.keysDir &&
      file.endsWith('.key') &&
      path.dirname(file).endsWith('.keys') &&
      path.dirname(path.dirname(file)) === path.dirname(packageDir)
    ) {
      // While a package is still in its staging folder its keys sit beside it under another name.
      area = options.keysDir;
      actual = path.join(options.keysDir, path.basename(file));
    } else if (inside(siblingKeys, file)) area = siblingKeys;
    else return { refused: `outside the package folder ${packageDir}` };
    const realArea = await realDir(area);
    if (!realArea) return { missing: true };
    let real: string;
    try {
      real = await fs.realpath(actual);
    } catch {
      return { missing: true };
    }
    // A symlink may point anywhere: what counts is where it leads. Links that stay inside are fine.
    if (!inside(realArea, real)) return { refused: `a symlink to ${real}, outside the package` };
    return { file: real };
  };
  const resolve = (url: URL) => {
    const key = url.href.replace(/[?#].*$/, '');
    let r = resolved.get(key);
    if (!r) {
      r = resolveUrl(url);
      resolved.set(key, r);
    }
    return r;
  };

  /** Opens a confined regular file: O_NOFOLLOW so the checked path cannot be swapped for a link, O_NONBLOCK so a FIFO cannot hang us. */
  const openFile = async (url: URL): Promise<{ handle: FileHandle; size: number } | undefined> => {
    const r = await resolve(url);
    if ('refused' in r) throw new OutsidePackageError(url, r.refused);
    if ('missing' in r) return undefined;
    const handle = await fs.open(r.file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
    const info = await handle.stat();
    if (!info.isFile()) {
      await handle.close();
      return undefined;
    }
    return { handle, size: info.size };
  };
  const withFile = async <T>(url: URL, use: (f: { handle: FileHandle; size: number }) => Promise<T>) => {
    const f = await openFile(url);
    if (!f) throw Object.assign(new Error('no such file'), { code: 'ENOENT' });
    try {
      return await use(f);
    } finally {
      await f.handle.close();
    }
  };

  return {
    root: pathToFileURL(rootFile),
    refusal: async (url) => {
      const r = await resolve(url);
      return 'refused' in r ? r.refused : undefined;
    },
    text: (url) => withFile(url, ({ handle }) => handle.readFile('utf8')),
    size: async (url) => {
      const f = await openFile(url);
      if (!f) return undefined;
      await f.handle.close();
      return f.size;
    },
    bytes: (url, range) =>
      withFile(url, async ({ handle, size }) => {
        if (!range) return handle.readFile();
        // Only the range is read: an I-frame entry is a few KB of a multi-MB segment.
        const length = Math.max(0, Math.min(range.length, size - range.offset));
        const data = Buffer.alloc(length);
        let got = 0;
        while (got < length) {
          const { bytesRead } = await handle.read(data, got, length - got, range.offset + got);
          if (bytesRead === 0) break;
          got += bytesRead;
        }
        return data.subarray(0, got);
      }),
  };
}

function httpReader(root: URL, options: OpenPackageOptions): PackageReader {
  const base = new URL('.', root);
  const folder = base.pathname.replace(/\/$/, '').split('/').pop() ?? '';
  const keysBase = new URL(`../${folder}.keys/`, base);
  const refusal = (url: URL): string | undefined => {
    if (url.origin !== root.origin || url.username !== root.username || url.password !== root.password)
      return `outside the package (another origin than ${root.origin})`;
    // Encoded separators and dots could be decoded by a server after our check: refuse them outright.
    if (/%2f|%5c|%2e/i.test(url.pathname)) return 'outside the package (encoded / \\ or . in the path)';
    if (!url.pathname.startsWith(base.pathname) && !(folder && url.pathname.startsWith(keysBase.pathname)))
      return `outside the package (not under ${base.href})`;
    return undefined;
  };
  const client = createHttpClient({
    ...(options.retry ? { policy: options.retry } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
    allowRedirect: refusal,
  });
  const guard = (url: URL) => {
    const refused = refusal(url);
    if (refused) throw new OutsidePackageError(url, refused);
  };
  return {
    root,
    stats: client.stats,
    refusal: async (url) => refusal(url),
    text: async (url) => {
      guard(url);
      const r = await client.fetch(url, { readBody: true });
      if (!r.body) throw new Error(describeStatus(r));
      return r.body.toString('utf8');
    },
    size: async (url) => {
      guard(url);
      const r = await client.fetch(url, { method: 'HEAD' });
      if (r.status === 404 || r.status === 410) return undefined;
      if (r.status < 200 || r.status >= 300) throw new Error(describeStatus(r));
      const length = r.headers.get('content-length');
      if (length !== null) return Number(length);
      // Chunked answers carry no length: count the bytes.
      const whole = await client.fetch(url, { readBody: true });
      if (!whole.body) throw new Error(describeStatus(whole));
      return whole.body.length;
    },
    bytes: async (url, range) => {
      guard(url);
      const headers: Record<string, string> = range
        ? { Range: `bytes=${range.offset}-${range.offset + range.length - 1}` }
        : {};
      const r = await client.fetch(url, { headers, readBody: true });
      if (!r.body) throw new Error(describeStatus(r));
      // A server that ignores Range answers 200 with everything.
      return range && r.status === 200 ? r.body.subarray(range.offset, range.offset + range.length) : r.body;
    },
  };
}
