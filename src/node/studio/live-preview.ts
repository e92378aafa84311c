import { open, stat, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  liveMediaPlaylist,
  resolveLiveRequest,
  segmentName,
  settledSegmentFiles,
  stagedInitName,
  type LivePackage,
  type LiveRendition,
} from '../../common/package/live-playlists.js';
import { headerPolicy, headersFor } from '../../common/publish/object-headers.js';
import { stagedSegments } from '../package/media-playlist-reader.js';

/**
 * Where a job with a live preview is: ffmpeg running; packaging with its media settled (ffmpeg over, the
 * staged segments read only until the assembly); packaging; committed; or gone (failed, cancelled).
 */
export type LiveState = 'encoding' | 'settled' | 'packaging' | 'done' | 'stopped';

/** What the queue remembers of a running job for its preview (memory only: never a package). */
export interface LiveJob {
  live: LivePackage;
  /** The hidden `.<name>.partial-…` folder ffmpeg writes into; read only through this module. */
  stagingDir: string;
  /** The package folder the staging folder becomes when the job is done. */
  packageDir: string;
  state(): LiveState;
  /** Sizes seen per staged file and since when (shared by every request of the job). */
  seen: Map<string, { size: number; sinceMs: number }>;
}

export type LiveReply =
  | { status: 200; contentType: string; body: string }
  | { status: 200; contentType: string; size: number; stream: Readable }
  | { status: 404 | 503; message: string };

export interface LiveReplyOptions {
  signal?: AbortSignal;
  /** How long a segment request is held for the segment to exist before a 503 (the player retries). */
  waitMs?: number;
  pollMs?: number;
  /** A staged file whose size held still this long (and whose structure is whole) is complete. */
  settleMs?: number;
}

const PLAYLIST_TYPE = 'application/vnd.apple.mpegurl';

/**
 * Answers one request of a job's live preview. Playlists come from the plan (live-playlists.ts); a
 * segment request is held until the segment is complete, then streamed from the staging folder, or,
 * once the job is done, from the package folder (where a segment the packager folded away is a 404).
 * Between the two, while the rungs are compared with the source, the media is settled: every segment,
 * the last ones included, is served from the staging folder as the package will have it.
 *
 * ffmpeg 5.1's HLS muxer keeps a segment in memory and writes it in one open-write-close when it cuts
 * the next one, under its final name (no temporary name, no playlist until the end with
 * `-hls_playlist_type vod`). So a staged segment is complete when the next one of its rendition exists,
 * when ffmpeg is over, or when its size has held still for `settleMs` and its structure is whole (TS:
 * whole 188-byte packets; fMP4: boxes that end exactly at the end of the file, the last one an mdat):
 * the last test saves waiting a whole segment's encode for the first picture.
 */
export async function liveReply(
  job: LiveJob,
  relPath: string,
  options: LiveReplyOptions = {},
): Promise<LiveReply> {
  const request = resolveLiveRequest(job.live, relPath);
  if (!request) return { status: 404, message: 'not part of this preview' };
  if (request.kind === 'multivariant')
    return { status: 200, contentType: PLAYLIST_TYPE, body: job.live.multivariant };
  if (request.kind === 'media')
    return { status: 200, contentType: PLAYLIST_TYPE, body: liveMediaPlaylist(job.live, request.rendition) };

  const { signal, waitMs = 30_000, pollMs = 200, settleMs = 1000 } = options;
  const contentType = headersFor(relPath, headerPolicy()).contentType;
  const r = request.rendition;
  const deadline = Date.now() + waitMs;
  for (;;) {
    if (signal?.aborted) return { status: 503, message: 'the request went away' };
    const state = job.state();
    if (state === 'stopped') return { status: 404, message: 'the encode stopped' };
    if (state === 'done') {
      const files = await finalFiles(job, r, request.kind === 'segment' ? request.index : undefined);
      const opened = await openAll(files);
      return opened
        ? { status: 200, contentType, ...opened }
        : { status: 404, message: 'not in the finished package' };
    }
    const staged =
      request.kind === 'init'
        ? await stagedInit(job, r, state)
        : state === 'settled'
          ? await settledSegment(job, r, request.index)
          : await stagedSegment(job, r, request.index, state, settleMs);
    // Settled files are only safe if the assembly had not begun when they were opened.
    const opened = staged && (await openAll(staged, () => state !== 'settled' || job.state() === 'settled'));
    if (opened) return { status: 200, contentType, ...opened };
    if (Date.now() >= deadline) return { status: 503, message: 'not encoded yet' };
    try {
      await sleep(pollMs, undefined, signal ? { signal } : {});
    } catch {
      return { status: 503, message: 'the request went away' };
    }
  }
}

/** The init section while encoding: ffmpeg writes it just before the rendition's first segment. */
async function stagedInit(job: LiveJob, r: LiveRendition, state: LiveState): Promise<string[] | undefined> {
  const dir = path.join(job.stagingDir, r.id);
  if (state === 'encoding' && !(await exists(path.join(dir, segmentName(job.live.format, 0)))))
    return undefined;
  // Packaging renames it to the package's name; either is the same bytes.
  for (const name of [stagedInitName(r), r.initName!])
    if (await exists(path.join(dir, name))) return [path.join(dir, name)];
  return undefined;
}

async function stagedSegment(
  job: LiveJob,
  r: LiveRendition,
  index: number,
  state: LiveState,
  settleMs: number,
): Promise<string[] | undefined> {
  const last = r.segments.length - 1;
  // The last listed segment may get ffmpeg's sub-second tail appended, and while packaging the one
  // before it may too (when the plan's estimate and ffmpeg disagree): those come from the package.
  if (index === last || (state === 'packaging' && index >= last - 1)) return undefined;
  const file = path.join(job.stagingDir, r.id, segmentName(job.live.format, index));
  if (state === 'packaging') return (await exists(file)) ? [file] : undefined;
  const next = path.join(job.stagingDir, r.id, segmentName(job.live.format, index + 1));
  if (await exists(next)) return [file];
  // The same segment of the other renditions is watched too, so a switch of rung finds it settled.
  const others = job.live.renditions
    .filter((o) => o !== r)
    .map((o) => path.join(job.stagingDir, o.id, segmentName(job.live.format, index)));
  await Promise.all(others.map((f) => settled(job, f, settleMs, false)));
  return (await settled(job, file, settleMs)) ? [file] : undefined;
}

/** Once the media is settled, every segment comes from the staging folder as the package will have it. */
async function settledSegment(job: LiveJob, r: LiveRendition, index: number): Promise<string[] | undefined> {
  const staged = await stagedSegments(job.stagingDir, r.id);
  const names = staged && settledSegmentFiles(job.live, r, index, staged);
  return names?.map((name) => path.join(job.stagingDir, r.id, name));
}

/** The file of a finished package; the last listed segment takes any segment after it the packager kept. */
async function finalFiles(job: LiveJob, r: LiveRendition, index: number | undefined): Promise<string[]> {
  const dir = path.join(job.packageDir, r.id);
  if (index === undefined) return [path.join(dir, r.initName!)];
  const files = [path.join(dir, segmentName(job.live.format, index))];
  if (index === r.segments.length - 1) {
    for (let i = index + 1; await exists(path.join(dir, segmentName(job.live.format, i))); i++)
      files.push(path.join(dir, segmentName(job.live.format, i)));
  }
  return files;
}

/** Has the file's size held still for `settleMs` (as seen by any request of the job), whole? */
async function settled(job: LiveJob, file: string, settleMs: number, check = true): Promise<boolean> {
  const info = await stat(file).catch(() => undefined);
  if (!info || info.size === 0) return false;
  const now = Date.now();
  const seen = job.seen.get(file);
  if (!seen || seen.size !== info.size) {
    job.seen.set(file, { size: info.size, sinceMs: now });
    return false;
  }
  return check && now - seen.sinceMs >= settleMs && (await wholeStructure(file, info.size));
}

/** TS: whole 188-byte packets; fMP4 media segment: boxes ending exactly at the file's end, an mdat last. */
async function wholeStructure(file: string, size: number): Promise<boolean> {
  if (file.endsWith('.ts')) return size % 188 === 0;
  const handle = await open(file, 'r').catch(() => undefined);
  if (!handle) return false;
  try {
    const header = Buffer.alloc(16);
    let offset = 0;
    let type = '';
    while (offset < size) {
      const { bytesRead } = await handle.read(header, 0, 16, offset);
      if (bytesRead < 8) return false;
      let boxSize = header.readUInt32BE(0);
      type = header.toString('latin1', 4, 8);
      if (boxSize === 1 && bytesRead >= 16) boxSize = Number(header.readBigUInt64BE(8));
      if (boxSize < 8) return false;
      offset += boxSize;
    }
    return offset === size && type === 'mdat';
  } finally {
    await handle.close();
  }
}

/**
 * Opens every file before answering (a file open stays readable when packaging renames its folder or
 * removes a folded tail) and streams them one after the other, each as long as it was when opened (the
 * packager may append to it later); undefined when one is missing, or when `stillValid` says the files
 * may have changed while being opened.
 */
async function openAll(
  files: string[],
  stillValid: () => boolean = () => true,
): Promise<{ size: number; stream: Readable } | undefined> {
  const handles: FileHandle[] = [];
  const closeAll = () => Promise.all(handles.map((h) => h.close().catch(() => undefined)));
  try {
    for (const f of files) handles.push(await open(f, 'r'));
  } catch {
    await closeAll();
    return undefined;
  }
  const sizes = await Promise.all(handles.map(async (h) => (await h.stat()).size));
  if (!stillValid()) {
    await closeAll();
    return undefined;
  }
  async function* chunks() {
    for (const [i, h] of handles.entries())
      if (sizes[i]! > 0) yield* h.createReadStream({ autoClose: false, start: 0, end: sizes[i]! - 1 });
  }
  const stream = Readable.from(chunks(), { objectMode: false });
  // However it ends (read whole, or the client went away before or while reading).
  stream.once('close', () => void closeAll());
  return { size: sizes.reduce((a, b) => a + b, 0), stream };
}

async function exists(file: string): Promise<boolean> {
  return (await stat(file).catch(() => undefined)) !== undefined;
}
