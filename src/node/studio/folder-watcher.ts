import type { Stats } from 'node:fs';
import { open, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { MEDIA_EXTENSIONS } from './expand-paths.js';

/** A media file in a watch folder that has finished arriving. */
export interface WatchedFile {
  /** Absolute. */
  path: string;
  /** `${path}|${size}|${mtimeMs}`: the same file stays the same key across restarts; a replaced one does not. */
  key: string;
  size: number;
  mtimeMs: number;
}

export interface WatchFolderOptions {
  dir: string;
  /** How often the folder is listed (default 1000 ms). */
  pollMs?: number;
  /** How long a file's size and mtime must stay the same before it counts as copied (default 2000 ms). */
  stableMs?: number;
  /** True for keys the caller has already taken (it persists them, so this holds across restarts). */
  isProcessed(key: string): boolean;
  /** Called once per finished file; the watcher does not wait for it before going on. */
  onFile(file: WatchedFile): void | Promise<void>;
  /** A message when the folder cannot be watched (missing, unreadable), undefined once it can again. */
  onProblem?(message: string | undefined): void;
  signal?: AbortSignal;
}

export interface FolderWatcher {
  close(): void;
  /** Lists the folder now, after any scan already running; resolves when that scan is done. */
  scanNow(): Promise<void>;
}

/** Browsers and copy tools write under these names and rename when done (Safari's .download is a folder). */
const UNFINISHED = /\.(part|crdownload|tmp|download|partial)$/i;

interface Sighting {
  size: number;
  mtimeMs: number;
  /** When this size and mtime were first seen, by our clock. */
  since: number;
  scans: number;
}

/**
 * Watches a folder for media files that have finished copying and reports each exactly once.
 * It polls instead of trusting fs.watch, which misses events on network drives and differs per
 * platform. A file counts as finished when its size and mtime held still for `stableMs` (measured by
 * our clock: copy tools such as `cp -p` and robocopy keep the source's mtime, so the file's age says
 * nothing) over at least two scans, and it can be opened (Windows locks a file while it is copied).
 */
export function watchFolder(options: WatchFolderOptions): FolderWatcher {
  const dir = path.resolve(options.dir);
  const pollMs = options.pollMs ?? 1000;
  const stableMs = options.stableMs ?? 2000;
  const sightings = new Map<string, Sighting>();
  // Reported this session: a slow onFile must not see the same file twice before the caller persists it.
  const reported = new Set<string>();
  let problem: string | undefined;
  let closed = false;
  let timer: NodeJS.Timeout | undefined;
  let scans: Promise<void> = Promise.resolve();

  const setProblem = (message: string | undefined) => {
    if (message === problem || closed) return;
    problem = message;
    options.onProblem?.(message);
  };

  const report = async (file: WatchedFile) => {
    try {
      await options.onFile(file);
    } catch (error) {
      // Not offered again until a restart: retrying each poll would repeat the failure forever.
      options.onProblem?.(`Could not take ${file.path} from the watch folder: ${(error as Error).message}`);
    }
  };

  const scan = async () => {
    if (closed) return;
    let files: string[];
    try {
      files = await listMediaFiles(dir);
    } catch (error) {
      // It may come back (a USB disk, a network share): keep polling, start the stability clocks over.
      sightings.clear();
      setProblem(folderProblem(dir, error));
      return;
    }
    setProblem(undefined);
    const present = new Set(files);
    for (const file of sightings.keys()) if (!present.has(file)) sightings.delete(file);

    for (const file of files) {
      const info = await stat(file).catch(() => undefined);
      if (closed) return;
      // Empty is how many copies begin; a file that stays empty is nothing to encode either.
      if (!info?.isFile() || info.size === 0) {
        sightings.delete(file);
        continue;
      }
      const key = fileKey(file, info);
      if (reported.has(key)) continue;
      const now = Date.now();
      const seen = sightings.get(file);
      const sighting =
        seen && seen.size === info.size && seen.mtimeMs === info.mtimeMs
          ? { ...seen, scans: seen.scans + 1 }
          : { size: info.size, mtimeMs: info.mtimeMs, since: now, scans: 1 };
      sightings.set(file, sighting);
      if (sighting.scans < 2 || now - sighting.since < stableMs) continue;
      if (options.isProcessed(key) || !(await canOpen(file)) || closed) continue;
      reported.add(key);
      sightings.delete(file);
      void report({ path: file, key, size: info.size, mtimeMs: info.mtimeMs });
    }
  };

  const scanNow = (): Promise<void> => {
    if (closed) return Promise.resolve();
    scans = scans.then(scan).catch((error: unknown) => setProblem(folderProblem(dir, error)));
    return scans;
  };

  const poll = async () => {
    await scanNow();
    if (!closed) timer = setTimeout(poll, pollMs);
  };

  const close = () => {
    closed = true;
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', close);
  };

  if (options.signal?.aborted) closed = true;
  else {
    options.signal?.addEventListener('abort', close, { once: true });
    timer = setTimeout(poll, 0);
  }
  return { close, scanNow };
}

function fileKey(file: string, info: Stats): string {
  return `${file}|${info.size}|${info.mtimeMs}`;
}

/** Media files under `dir`, sorted, skipping hidden entries and unfinished downloads. */
async function listMediaFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (folder: string) => {
    const entries = await readdir(folder, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (entry.name.startsWith('.') || UNFINISHED.test(entry.name)) continue;
      const full = path.join(folder, entry.name);
      // A subfolder deleted or locked mid-scan is skipped, not a problem with the watch folder.
      if (entry.isDirectory()) await walk(full).catch(() => undefined);
      else if (MEDIA_EXTENSIONS.test(entry.name)) out.push(full);
    }
  };
  await walk(dir);
  return out;
}

async function canOpen(file: string): Promise<boolean> {
  try {
    await (await open(file, 'r')).close();
    return true;
  } catch {
    return false;
  }
}

function folderProblem(dir: string, error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT')
    return `Watch folder ${dir} is missing (moved, renamed, or on a disk that is not connected)`;
  if (code === 'ENOTDIR') return `Watch folder ${dir} is not a folder`;
  if (code === 'EACCES' || code === 'EPERM') return `Watch folder ${dir} cannot be read: permission denied`;
  return `Watch folder ${dir} cannot be read: ${(error as Error).message}`;
}
