import { mkdtemp, rm } from 'node:fs/promises';
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
import { openPackage, type FileAccess, type PackageReader } from './package-reader.js';
import { RULES } from './rules.js';
import {
  decodesAsKeyframe,
  firstPacketDecodesAsKey,
  firstPacketKeyFlags,
  segmentBytes,
  segmentCopy,
  startsWithKeyframe,
  type ProbeOptions,
  type SegmentCopy,
  type SegmentSource,
} from './segment-probe.js';

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
  /** A segment's bytes as a player gets them (AES-128-decrypted); undefined when its key is unreachable. */
  segmentBytes(media: LoadedMedia, segment: Segment): Promise<Buffer | undefined>;
  /** Bytes a segment occupies (its byte range, or the whole file); undefined when missing. */
  segmentSize(media: LoadedMedia, segment: Segment): Promise<number | undefined>;
  /**
   * For each segment: is its first video packet (decrypted first when needed) a keyframe? False where
   * the segment is unreadable, its key unreachable or its data neither MPEG-TS nor ISO BMFF.
   */
  keyframeStarts(media: LoadedMedia, segments: Segment[]): Promise<boolean[]>;
  /**
   * For each I-frame entry, of any playlists: does it decode to a keyframe picture on its own? (All in
   * one batch, since each playlist has only a few sampled entries.)
   */
  keyframeDecodes(entries: { media: LoadedMedia; segment: Segment }[]): Promise<boolean[]>;
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
    segmentBytes: (media, segment) => segmentBytes(sourceOf(media), segment),
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
    keyframeStarts: (media, segments) =>
      askEach(
        segments.map((segment) => ({ media, segment })),
        firstPacketKeyFlags,
        startsWithKeyframe,
      ),
    keyframeDecodes: (entries) => askEach(entries, firstPacketDecodesAsKey, decodesAsKeyframe),
    sample: (items, max) => {
      if (items.length <= max) return items;
      const step = (items.length - 1) / (max - 1);
      return Array.from({ length: max }, (_, i) => items[Math.round(i * step)]!);
    },
  };
  const probeOptions: ProbeOptions = signal ? { signal } : {};
  const sourceOf = (media: LoadedMedia): SegmentSource => ({ reader, playlist: media.url, key: ctx.key });
  /** The segment as a player would get it, in a file of its own; undefined when it cannot be probed. */
  async function copyOf(media: LoadedMedia, segment: Segment): Promise<SegmentCopy | undefined> {
    const file = path.join(await workDir(), `probe-${probeCount++}.bin`);
    return segmentCopy(sourceOf(media), segment, file);
  }
  /**
   * Copies each segment (false where it cannot be probed), asks `batch` about the copies BATCH_INPUTS at a
   * time, and `alone` (one ffprobe) about each copy the batch gave no answer for: never a guessed answer.
   */
  async function askEach(
    entries: { media: LoadedMedia; segment: Segment }[],
    batch: (copies: SegmentCopy[], options: ProbeOptions) => Promise<(boolean | undefined)[]>,
    alone: (copy: SegmentCopy, options: ProbeOptions) => Promise<boolean>,
  ): Promise<boolean[]> {
    // One after another: only one segment's bytes are held in memory at a time.
    const copies: (SegmentCopy | undefined)[] = [];
    for (const e of entries) copies.push(await copyOf(e.media, e.segment).catch(() => undefined));
    try {
      const probed = copies.filter((c): c is SegmentCopy => c !== undefined);
      const answers = new Map<SegmentCopy, boolean | undefined>();
      for (let i = 0; i < probed.length; i += BATCH_INPUTS) {
        const run = probed.slice(i, i + BATCH_INPUTS);
        const got = await batch(run, probeOptions);
        run.forEach((c, k) => answers.set(c, got[k]));
      }
      return await Promise.all(
        copies.map(async (c) => (c ? (answers.get(c) ?? alone(c, probeOptions).catch(() => false)) : false)),
      );
    } finally {
      await Promise.all(copies.map((c) => c && rm(c.file, { force: true })));
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
/** Segments per ffmpeg run (the rules sample 12 per media playlist, 3 per I-frame playlist). */
const BATCH_INPUTS = 16;

async function eachLimited<T>(items: T[], width: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker));
}
