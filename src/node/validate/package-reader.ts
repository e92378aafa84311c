import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { PACKAGE_NAMES } from '../../common/package/package-layout.js';

/**
 * Reads a package the same way whether it is a folder on disk or published behind a URL, so one set of
 * rules checks both: everything is addressed by URL (file: or http(s):) and resolved like a player does.
 */
export interface PackageReader {
  /** The multivariant playlist. */
  root: URL;
  text(url: URL): Promise<string>;
  /** Size in bytes, or undefined when the file is missing (404, ENOENT). */
  size(url: URL): Promise<number | undefined>;
  bytes(url: URL, range?: { offset: number; length: number }): Promise<Buffer>;
}

const MULTIVARIANT = PACKAGE_NAMES.multivariantPlaylist;

/** A package folder, a playlist file, or an http(s) URL of a multivariant playlist. */
export function openPackage(target: string, options: { keysDir?: string } = {}): PackageReader {
  const remote = /^https?:\/\//i.test(target);
  const root = remote
    ? new URL(target)
    : pathToFileURL(target.endsWith('.m3u8') ? path.resolve(target) : path.resolve(target, MULTIVARIANT));
  return remote ? httpReader(root) : fileReader(root, options.keysDir);
}

function fileReader(root: URL, keysDir: string | undefined): PackageReader {
  // While a package is still in its staging folder its keys sit beside it under another name.
  const local = (url: URL) => {
    const file = fileURLToPath(url);
    if (keysDir && file.endsWith('.key')) return path.join(keysDir, path.basename(file));
    return file;
  };
  return {
    root,
    text: async (url) => readFile(local(url), 'utf8'),
    size: async (url) => {
      try {
        const info = await stat(local(url));
        return info.isFile() ? info.size : undefined;
      } catch {
        return undefined;
      }
    },
    bytes: async (url, range) => {
      const data = await readFile(local(url));
      return range ? data.subarray(range.offset, range.offset + range.length) : data;
    },
  };
}

function httpReader(root: URL): PackageReader {
  const get = async (url: URL, init: RequestInit = {}) => {
    const response = await fetch(url, { ...init, redirect: 'follow', signal: AbortSignal.timeout(30_000) });
    return response;
  };
  return {
    root,
    text: async (url) => {
      const response = await get(url);
      if (!response.ok) throw new Error(`${url.href}: HTTP ${response.status}`);
      return response.text();
    },
    size: async (url) => {
      const response = await get(url, { method: 'HEAD' });
      if (!response.ok) return undefined;
      const length = response.headers.get('content-length');
      if (length !== null) return Number(length);
      return (await get(url).then((r) => r.arrayBuffer())).byteLength;
    },
    bytes: async (url, range) => {
      const headers: Record<string, string> = range
        ? { Range: `bytes=${range.offset}-${range.offset + range.length - 1}` }
        : {};
      const response = await get(url, { headers });
      if (!response.ok) throw new Error(`${url.href}: HTTP ${response.status}`);
      const data = Buffer.from(await response.arrayBuffer());
      // A server that ignores Range answers 200 with everything.
      return range && response.status === 200
        ? data.subarray(range.offset, range.offset + range.length)
        : data;
    },
  };
}
