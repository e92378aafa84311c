import { createDecipheriv } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type HLS from 'hls-parser';
import type { RetryPolicy } from '../../common/publish/backoff.js';
import { parsePlaylist } from '../../common/validate/playlist-parse.js';
import {
  summarizeResults,
  type RuleResult,
  type ValidationReport,
} from '../../common/validate/validation-report.js';
import { ffprobeQuery, firstCsvField } from '../ffmpeg/ffprobe-query.js';
import { openPackage, type FileAccess, type PackageReader } from './package-reader.js';
import { RULES } from './rules.js';

type MasterPlaylist = InstanceType<typeof HLS.types.MasterPlaylist>;
type MediaPlaylist = InstanceType<typeof HLS.types.MediaPlaylist>;
type Segment = MediaPlaylist['segments'][number];

export type MediaKind = 'video' | 'audio' | 'subtitles' | 'iframe';

export interface LoadedMedia {
  url: URL;
  kind: MediaKind;
  /** The variant or rendition that names this playlist. */
  attributes: {
    bandwidth?: number;
    averageBandwidth?: number;
    codecs?: string;
    resolution?: unknown;
    frameRate?: number;
  };
  text?: string;
  playlist?: MediaPlaylist;
  error?: string;
  /** What strict parsing objected to, though the playlist could still be read. */
  parseProblems?: string[];
}

/** A URI a playlist names that the confinement policy refused; it was never opened. */
export interface RefusedUri {
  /** The playlist naming it. */
  playlist: URL;
  uri: string;
  reason: string;
}

/** What reading one file of the package found: its size, or why it has none. */
export interface ResourceState {
  size?: number;
  /** "missing", "HTTP 503 SlowDown after 6 attempts", "outside the package folder …". */
  problem?: string;
}

/** Everything a rule may look at, loaded once, with cached reads shared by all rules. */
export interface ValidationContext {
  reader: PackageReader;
  masterText?: string;
  master?: MasterPlaylist;
  masterError?: string;
  /** What strict parsing objected to in the multivariant playlist. */
  masterProblems?: string[];
  media: LoadedMedia[];
  /** Every URI the playlists name that lies outside the package (none of them was read). */
  refused: RefusedUri[];
  segmentUrl(media: LoadedMedia, segment: Segment): URL;
  /** Size of a whole file of the package, read once per URL; undefined when missing. */
  resourceSize(url: URL): Promise<number | undefined>;
  /** The same lookup with the reason when there is no size (missing, unreachable, refused). */
  resourceState(url: URL): Promise<ResourceState>;
  /** Bytes a segment occupies (its byte range, or the whole file); undefined when missing. */
  segmentSize(media: LoadedMedia, segment: Segment): Promise<number | undefined>;
  /** Is the first video packet of a segment (decrypted first when needed) a keyframe? */
  startsWithKeyframe(media: LoadedMedia, segment: Segment): Promise<boolean>;
  /** Does the segment (an I-frame entry) decode to a keyframe picture on its own? */
  decodesAsKeyframe(media: LoadedMedia, segment: Segment): Promise<boolean>;
  /** The 16 bytes of an AES-128 key, or undefined when unreachable. */
  key(url: URL): Promise<Buffer | undefined>;
  /** Up to `max` evenly spread items (first and last included), so huge packages stay quick to check. */
  sample<T>(items: T[], max: number): T[];
}

export interface ValidateOptions {
  signal?: AbortSignal;
  /** Where the keys of a package still being built are (its keys folder has another name then). */
  keysDir?: string;
  /**
   * Folder for the validator's temporary files (segment copies ffprobe reads); default the system's
   * temp folder. The encoder passes its staging folder, so a killed run leaves nothing elsewhere.
   */
  tempDir?: string;
  /** URL packages: retries of transient failures (default HTTP_RETRY) and the per-attempt timeout. */
  retry?: RetryPolicy;
  timeoutMs?: number;
  /** Tests: how files are opened (to record every path touched). */
  files?: FileAccess;
}

/**
 * Checks a package rule by rule against RFC 8216 and Apple's HLS Authoring Specification. Works on a
 * folder or on a published URL (the same rules; only how bytes are read differs).
 */
export async function validatePackage(
  target: string,
  options: ValidateOptions = {},
): Promise<ValidationReport> {
  const reader = openPackage(target, {
    ...(options.keysDir ? { keysDir: options.keysDir } : {}),
    ...(options.files ? { files: options.files } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.retry ? { retry: options.retry } : {}),
    ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
  });
  // Made on first use (only segments that go to ffprobe need a copy), removed whatever happens.
  let work: Promise<string> | undefined;
  const workDir = () => (work ??= mkdtemp(path.join(options.tempDir ?? os.tmpdir(), 'hls-studio-validate-')));
  try {
    const ctx = await loadPackage(reader, workDir, options.signal);
    const results: RuleResult[] = [];
    for (const rule of RULES) {
      options.signal?.throwIfAborted();
      const { check, ...meta } = rule;
      try {
        const outcome = await check(ctx);
        results.push({ ...meta, ...outcome });
      } catch (error) {
        results.push({
          ...meta,
          status: 'fail',
          message: `could not be checked: ${(error as Error).message}`,
        });
      }
    }
    const report = summarizeResults(target, results, new Date(), reader.stats);
    if (ctx.masterText === undefined && ctx.masterError) report.unreadable = ctx.masterError;
    return report;
  } finally {
    if (work) await rm(await work.catch(() => ''), { recursive: true, force: true }).catch(() => {});
  }
}

async function loadPackage(
  reader: PackageReader,
  workDir: () => Promise<string>,
  signal?: AbortSignal,
): Promise<ValidationContext> {
  const states = new Map<string, Promise<ResourceState>>();
  const keys = new Map<string, Promise<Buffer | undefined>>();
  const stateOf = (url: URL) => {
    let state = states.get(url.href);
    if (!state) {
      state = reader.size(url).then(
        (size): ResourceState => (size === undefined ? { problem: 'missing' } : { size }),
        (error: unknown): ResourceState => ({ problem: (error as Error).message }),
      );
      states.set(url.href, state);
    }
    return state;
  };
  const sizeOf = async (url: URL) => (await stateOf(url)).size;
  let probeCount = 0;
  const ctx: ValidationContext = {
    reader,
    media: [],
    refused: [],
    segmentUrl: (media, segment) => new URL(segment.uri, media.url),
    resourceSize: sizeOf,
    resourceState: stateOf,
    segmentSize: async (media, segment) => {
      const url = ctx.segmentUrl(media, segment);
      const whole = await sizeOf(url);
      if (whole === undefined) return undefined;
      return segment.byterange ? segment.byterange.length : whole;
    },
    key: (url) => {
      let key = keys.get(url.href);
      if (!key) {
        key = reader
          .bytes(url)
          .then((b) => (b.length === 16 ? b : undefined))
          .catch(() => undefined);
        keys.set(url.href, key);
      }
      return key;
    },
    startsWithKeyframe: async (media, segment) =>
      (await probeSegment(media, segment, ['-show_entries', 'packet=flags'])).startsWith('K'),
    decodesAsKeyframe: async (media, segment) =>
      (await probeSegment(media, segment, ['-show_frames', '-show_entries', 'frame=key_frame'])) === '1',
    sample: (items, max) => {
      if (items.length <= max) return items;
      const step = (items.length - 1) / (max - 1);
      return Array.from({ length: max }, (_, i) => items[Math.round(i * step)]!);
    },
  };
  /** The whole segment as a player would get it (map + bytes, decrypted), then one ffprobe question. */
  async function probeSegment(media: LoadedMedia, segment: Segment, question: string[]): Promise<string> {
    const url = ctx.segmentUrl(media, segment);
    let data: Buffer = await reader.bytes(url, segment.byterange);
    if (segment.key?.method === 'AES-128' && segment.key.uri) {
      const key = await ctx.key(new URL(segment.key.uri, media.url));
      if (!key) return '';
      const iv = segment.key.iv ? Buffer.from(segment.key.iv) : ivFromSequence(segment.mediaSequenceNumber);
      const decipher = createDecipheriv('aes-128-cbc', key, iv);
      data = Buffer.concat([decipher.update(data), decipher.final()]);
    }
    if (segment.map)
      data = Buffer.concat([
        await reader.bytes(new URL(segment.map.uri, media.url), segment.map.byterange),
        data,
      ]);
    // The demuxer is named, never guessed: a "segment" that is really a playlist would otherwise be
    // read by ffprobe's HLS demuxer, which opens whatever files that playlist names.
    const format = containerOf(data);
    if (!format) return '';
    const file = path.join(await workDir(), `probe-${probeCount++}.bin`);
    await writeFile(file, data);
    try {
      const args = [
        '-f',
        format,
        '-select_streams',
        'v:0',
        '-read_intervals',
        '%+#1',
        ...question,
        '-of',
        'csv=p=0',
      ];
      // csv with side data appends more fields ("1,H.26[45] User Data Unregistered SEI message"): the first is ours.
      return firstCsvField(await ffprobeQuery(file, args, { signal, timeoutMs: 30_000 }));
    } finally {
      await rm(file, { force: true });
    }
  }
  const refusedRoot = await reader.refusal(reader.root);
  if (refusedRoot) {
    ctx.masterError = `${reader.root.href}: ${refusedRoot}`;
    return ctx;
  }
  try {
    ctx.masterText = await reader.text(reader.root);
  } catch (error) {
    ctx.masterError = `${reader.root.href}: ${(error as Error).message}`;
    return ctx;
  }
  const parsed = parsePlaylist(ctx.masterText);
  if (!parsed.ok) ctx.masterError = `${reader.root.href}: ${parsed.error}`;
  else if (!parsed.playlist.isMasterPlaylist)
    ctx.masterError = `${reader.root.href}: is a media playlist, not a multivariant playlist`;
  else {
    ctx.master = parsed.playlist as MasterPlaylist;
    if (parsed.problems.length) ctx.masterProblems = parsed.problems;
  }
  if (!ctx.master) return ctx;

  /** Checks a URI a playlist names against the confinement policy; a refused one is recorded, not read. */
  const confined = async (uri: string | undefined, playlist: URL): Promise<URL | undefined> => {
    if (!uri) return undefined;
    let url: URL;
    try {
      url = new URL(uri, playlist);
    } catch {
      ctx.refused.push({ playlist, uri, reason: 'not a valid URI' });
      return undefined;
    }
    const reason = await reader.refusal(url);
    if (!reason) return url;
    if (!ctx.refused.some((r) => r.uri === uri && r.playlist.href === playlist.href))
      ctx.refused.push({ playlist, uri, reason });
    return undefined;
  };
  const master = ctx.master;
  for (const item of [...master.sessionDataList, ...master.sessionKeyList])
    await confined((item as { uri?: string }).uri, reader.root);

  const seen = new Set<string>();
  const add = async (uri: string | undefined, kind: MediaKind, attributes: LoadedMedia['attributes']) => {
    if (!uri) return;
    const url = await confined(uri, reader.root);
    if (!url || seen.has(url.href)) return;
    seen.add(url.href);
    const media: LoadedMedia = { url, kind, attributes };
    ctx.media.push(media);
    try {
      media.text = await reader.text(url);
    } catch (error) {
      media.error = `${url.href}: ${(error as Error).message}`;
      return;
    }
    const result = parsePlaylist(media.text);
    if (!result.ok) media.error = `${url.href}: ${result.error}`;
    else if (result.playlist.isMasterPlaylist)
      media.error = `${url.href}: is a multivariant playlist, not a media playlist`;
    else {
      media.playlist = result.playlist as MediaPlaylist;
      if (result.problems.length) media.parseProblems = result.problems;
    }
    if (!media.playlist) return;
    // Every URI of the media playlist is checked before any rule reads it; refused ones are kept out.
    const segments: Segment[] = [];
    for (const s of media.playlist.segments) {
      const ok = Boolean(await confined(s.uri, url));
      const mapOk = !s.map || Boolean(await confined(s.map.uri, url));
      const keyOk = !s.key?.uri || s.key.method === 'NONE' || Boolean(await confined(s.key.uri, url));
      for (const part of s.parts ?? []) await confined(part.uri, url);
      if (ok && mapOk && keyOk) segments.push(s);
    }
    for (const hint of media.playlist.prefetchSegments ?? []) await confined(hint.uri, url);
    for (const report of media.playlist.renditionReports ?? []) await confined(report.uri, url);
    // Rules see only what may be read; the refused entries fail rfc8216-10-confined instead.
    if (segments.length !== media.playlist.segments.length) media.playlist.segments = segments;
  };
  for (const v of master.variants) {
    const kind: MediaKind = v.isIFrameOnly ? 'iframe' : v.resolution ? 'video' : 'audio';
    await add(v.uri, kind, v);
    for (const a of v.audio) await add(a.uri, 'audio', {});
    for (const s of v.subtitles) await add(s.uri, 'subtitles', {});
    for (const r of v.video) await confined(r.uri, reader.root);
  }
  // Sizes of every segment and map, a few at a time: over HTTP each is a HEAD, and one after another
  // they were most of the time a remote validation took.
  const files = new Map<string, URL>();
  for (const m of ctx.media)
    for (const s of m.playlist?.segments ?? []) {
      const url = ctx.segmentUrl(m, s);
      files.set(url.href, url);
      if (s.map) files.set(new URL(s.map.uri, m.url).href, new URL(s.map.uri, m.url));
    }
  await eachLimited([...files.values()], PREFETCH_WIDTH, stateOf);
  return ctx;
}

const PREFETCH_WIDTH = 8;

async function eachLimited<T>(items: T[], width: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker));
}

const BMFF_BOXES = new Set(['ftyp', 'styp', 'sidx', 'moof', 'moov', 'emsg', 'prft', 'free', 'mdat']);

/** MPEG-TS (sync byte every 188) or ISO BMFF (a known top-level box first); anything else is not probed. */
function containerOf(data: Buffer): 'mpegts' | 'mp4' | undefined {
  if (data.length >= 188 && data[0] === 0x47 && (data.length < 376 || data[188] === 0x47)) return 'mpegts';
  if (data.length >= 8 && BMFF_BOXES.has(data.toString('latin1', 4, 8))) return 'mp4';
  return undefined;
}

/** RFC 8216 5.2: without an IV attribute, the media sequence number as a 128-bit big-endian integer. */
function ivFromSequence(sequence: number): Buffer {
  const iv = Buffer.alloc(16);
  iv.writeUInt32BE(sequence >>> 0, 12);
  return iv;
}
