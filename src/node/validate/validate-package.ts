import { createDecipheriv } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import HLS from 'hls-parser';
import {
  summarizeResults,
  type RuleResult,
  type ValidationReport,
} from '../../common/validate/validation-report.js';
import { ffprobeQuery, firstCsvField } from '../ffmpeg/ffprobe-query.js';
import { openPackage, type PackageReader } from './package-reader.js';
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
}

/** Everything a rule may look at, loaded once, with cached reads shared by all rules. */
export interface ValidationContext {
  reader: PackageReader;
  masterText?: string;
  master?: MasterPlaylist;
  masterError?: string;
  media: LoadedMedia[];
  segmentUrl(media: LoadedMedia, segment: Segment): URL;
  /** Size of a whole file of the package, read once per URL; undefined when missing. */
  resourceSize(url: URL): Promise<number | undefined>;
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
}

/**
 * Checks a package rule by rule against RFC 8216 and Apple's HLS Authoring Specification. Works on a
 * folder or on a published URL (the same rules; only how bytes are read differs).
 */
export async function validatePackage(
  target: string,
  options: ValidateOptions = {},
): Promise<ValidationReport> {
  const reader = openPackage(target, { keysDir: options.keysDir });
  const work = await mkdtemp(path.join(os.tmpdir(), 'hls-studio-validate-'));
  try {
    const ctx = await loadPackage(reader, work, options.signal);
    const results: RuleResult[] = [];
    for (const rule of RULES) {
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
    return summarizeResults(target, results);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

async function loadPackage(
  reader: PackageReader,
  work: string,
  signal?: AbortSignal,
): Promise<ValidationContext> {
  const sizes = new Map<string, Promise<number | undefined>>();
  const keys = new Map<string, Promise<Buffer | undefined>>();
  const sizeOf = (url: URL) => {
    let size = sizes.get(url.href);
    if (!size) {
      size = reader.size(url).catch(() => undefined);
      sizes.set(url.href, size);
    }
    return size;
  };
  let probeCount = 0;
  const ctx: ValidationContext = {
    reader,
    media: [],
    segmentUrl: (media, segment) => new URL(segment.uri, media.url),
    resourceSize: sizeOf,
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
    const file = path.join(work, `probe-${probeCount++}.bin`);
    await writeFile(file, data);
    try {
      const args = ['-select_streams', 'v:0', '-read_intervals', '%+#1', ...question, '-of', 'csv=p=0'];
      // csv with side data appends more fields ("1,H.26[45] User Data Unregistered SEI message"): the first is ours.
      return firstCsvField(await ffprobeQuery(file, args, { signal, timeoutMs: 30_000 }));
    } finally {
      await rm(file, { force: true });
    }
  }
  try {
    ctx.masterText = await reader.text(reader.root);
    const parsed = HLS.parse(ctx.masterText);
    if (!parsed.isMasterPlaylist) throw new Error('is a media playlist, not a multivariant playlist');
    ctx.master = parsed as MasterPlaylist;
  } catch (error) {
    ctx.masterError = `${reader.root.href}: ${(error as Error).message}`;
    return ctx;
  }
  const seen = new Set<string>();
  const add = async (uri: string | undefined, kind: MediaKind, attributes: LoadedMedia['attributes']) => {
    if (!uri) return;
    const url = new URL(uri, reader.root);
    if (seen.has(url.href)) return;
    seen.add(url.href);
    const media: LoadedMedia = { url, kind, attributes };
    ctx.media.push(media);
    try {
      media.text = await reader.text(url);
      const parsed = HLS.parse(media.text);
      if (parsed.isMasterPlaylist) throw new Error('is a multivariant playlist, not a media playlist');
      media.playlist = parsed as MediaPlaylist;
    } catch (error) {
      media.error = `${url.href}: ${(error as Error).message}`;
    }
  };
  for (const v of ctx.master.variants) {
    const kind: MediaKind = v.isIFrameOnly ? 'iframe' : v.resolution ? 'video' : 'audio';
    await add(v.uri, kind, v);
    for (const a of v.audio) await add(a.uri, 'audio', {});
    for (const s of v.subtitles) await add(s.uri, 'subtitles', {});
  }
  return ctx;
}

/** RFC 8216 5.2: without an IV attribute, the media sequence number as a 128-bit big-endian integer. */
function ivFromSequence(sequence: number): Buffer {
  const iv = Buffer.alloc(16);
  iv.writeUInt32BE(sequence >>> 0, 12);
  return iv;
}
