import { readdir, readFile, writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import type {
  PackageResult,
  PackagedAudio,
  PackagedImages,
  PackagedSubtitle,
  PackagedVariant,
} from '../../common/encode-events.js';
import { listBoxes } from '../../common/container/iso-boxes.js';
import { PACKAGE_NAMES } from '../../common/package/package-layout.js';
import { storyboardVtt } from '../../common/images/storyboard-vtt.js';
import { addBitrates, measureBitrate, type MeasuredBitrate } from '../../common/hls/bitrate-measure.js';
import {
  iframeBitrate,
  writeIFramePlaylist,
  type IFrameEntry,
  type IFramePlaylistInput,
} from '../../common/hls/iframe-playlist.js';
import { writeMultivariantPlaylist } from '../../common/hls/multivariant-writer.js';
import { toNumber } from '../../common/media/rational.js';
import type { EncodePlan } from '../../common/plan/encode-plan.js';
import { parseVtt, segmentVtt } from '../../common/subtitles/webvtt.js';
import { ffprobeQuery, firstCsvField } from '../ffmpeg/ffprobe-query.js';
import { indexIFrames } from './iframe-index.js';
import {
  mergeShortTail,
  readMediaPlaylist,
  unifyTargetDuration,
  type MediaPlaylistFacts,
} from './media-playlist-reader.js';
import { encryptPackage, type PlaylistToEncrypt } from './segment-encryption.js';
import { audioCodecString, videoCodecString } from './stream-codecs.js';

export interface AssemblyContext {
  packageDir: string;
  /** Scratch folder inside the package, removed before commit. */
  workDir: string;
  keysDir: string;
  packageName: string;
  signal?: AbortSignal;
  onCommand?: (line: string) => void;
}

/** The package-level facts of PackageResult, plus how many AES-128 keys were made. */
export type AssembledPackage = Pick<
  PackageResult,
  'durationSec' | 'targetDurationSec' | 'variants' | 'audio' | 'subtitles' | 'images'
> & { keyCount: number };

const playlistUri = (id: string) => `${id}/${PACKAGE_NAMES.mediaPlaylist}`;

/**
 * Turns what ffmpeg wrote into a finished package: one target duration, codec strings read from the
 * streams, I-frame playlists, WebVTT subtitle renditions on the media timeline, the storyboard track,
 * optional AES-128, and finally the multivariant playlist from the measured bytes.
 */
export async function assemblePackage(plan: EncodePlan, ctx: AssemblyContext): Promise<AssembledPackage> {
  const dir = ctx.packageDir;
  const rungs = plan.video?.rungs ?? [];
  const videoPlaylists = await Promise.all(rungs.map((r) => readMediaPlaylist(dir, playlistUri(r.id))));
  const audioPlaylists = await Promise.all(plan.audio.map((a) => readMediaPlaylist(dir, playlistUri(a.id))));
  const media = [...videoPlaylists, ...audioPlaylists];
  for (const p of media) await mergeShortTail(dir, p, plan.segmentDurationSec);
  const targetDurationSec = await unifyTargetDuration(dir, media);

  // Everything that reads the streams happens before encryption.
  const codecFile = (p: MediaPlaylistFacts) => path.join(dir, p.initUri ?? p.segments[0]!.uri);
  const videoCodecs: string[] = [];
  for (const p of videoPlaylists)
    videoCodecs.push(await videoCodecString(codecFile(p), plan.codec, ctx.signal));
  const audioCodecs: string[] = [];
  for (const p of audioPlaylists) audioCodecs.push(await audioCodecString(codecFile(p), ctx.signal));
  const iframes: IFrameIndex[] = [];
  for (const p of videoPlaylists) iframes.push(await indexIFrames(dir, p));
  const subtitles = videoPlaylists[0]
    ? await writeSubtitleRenditions(plan, videoPlaylists[0], targetDurationSec, ctx)
    : [];
  const images = plan.images
    ? await writeStoryboard(plan, videoPlaylists[0]?.durationSec ?? 0, ctx)
    : undefined;

  if (plan.encryption) {
    // Whole-segment AES-128 cannot be decrypted from the middle of a file, so each I-frame becomes a file.
    for (const [i, p] of videoPlaylists.entries()) iframes[i] = await materializeIFrames(dir, p, iframes[i]!);
  }
  const iframeUris = videoPlaylists.map(
    (p) => `${path.posix.dirname(p.uri)}/${PACKAGE_NAMES.iframePlaylist}`,
  );
  for (const [i, p] of videoPlaylists.entries()) {
    await writeFile(
      path.join(dir, iframeUris[i]!),
      writeIFramePlaylist({ version: p.version, ...iframes[i]! }),
    );
  }
  let keyCount = 0;
  if (plan.encryption) {
    const toEncrypt: PlaylistToEncrypt[] = [
      ...media.map((p) => ({
        uri: p.uri,
        files: p.segments.map((s, segmentIndex) => ({ uri: s.uri, segmentIndex })),
      })),
      ...videoPlaylists.map((p, i) => ({
        uri: iframeUris[i]!,
        files: iframes[i]!.entries.map((e) => ({
          uri: `${path.posix.dirname(p.uri)}/${e.uri}`,
          segmentIndex: e.segmentIndex,
        })),
      })),
    ];
    keyCount = (await encryptPackage(dir, ctx.keysDir, ctx.packageName, toEncrypt, plan.encryption)).length;
  }

  // Bytes are final now: measure them.
  for (const p of media) for (const s of p.segments) s.bytes = (await readFile(path.join(dir, s.uri))).length;
  const audioBitrates = audioPlaylists.map((p) => measureBitrate(p.segments));
  const defaultAudio = plan.audio.findIndex((a) => a.isDefault);
  // A variant plays with one audio rendition at a time: count the most demanding one (RFC 8216 4.3.4.2).
  const audioForVariant = audioBitrates.reduce<MeasuredBitrate | undefined>(
    (max, b) => (max && max.peak >= b.peak ? max : b),
    undefined,
  );
  const variants: PackagedVariant[] = [];
  const iframeVariants = [];
  for (const [i, rung] of rungs.entries()) {
    const p = videoPlaylists[i]!;
    const bitrate = addBitrates(measureBitrate(p.segments), audioForVariant);
    const iframeUri = iframeUris[i]!;
    const entries = iframes[i]!.entries;
    const folder = path.join(dir, path.posix.dirname(p.uri));
    const sizes = await Promise.all(
      entries.map(async (e) => e.byteRange?.length ?? (await readFile(path.join(folder, e.uri))).length),
    );
    const iframeRate = iframeBitrate(entries, (e) => sizes[entries.indexOf(e)]!);
    variants.push({
      uri: p.uri,
      width: rung.width,
      height: rung.height,
      frameRate: toNumber(rung.frameRate),
      codecs: audioCodecs[0] ? [videoCodecs[i]!, audioCodecs[0]] : [videoCodecs[i]!],
      averageBandwidth: bitrate.average,
      peakBandwidth: bitrate.peak,
      segments: p.segments.length,
      iframePlaylist: iframeUri,
    });
    iframeVariants.push({ uri: iframeUri, bitrate: iframeRate, codecs: [videoCodecs[i]!], rung });
  }
  const audio: PackagedAudio[] = plan.audio.map((a, i) => ({
    uri: audioPlaylists[i]!.uri,
    name: a.name,
    language: a.language,
    isDefault: a.isDefault,
    codec: audioCodecs[i]!,
    channels: a.channels,
    averageBandwidth: audioBitrates[i]!.average,
    peakBandwidth: audioBitrates[i]!.peak,
  }));
  if (variants.length === 0 && audio[0]) {
    // Audio-only package: the default audio playlist is the one variant (no RESOLUTION, no AUDIO group).
    const only = audio[Math.max(0, defaultAudio)]!;
    variants.push({
      uri: only.uri,
      codecs: [only.codec],
      averageBandwidth: only.averageBandwidth,
      peakBandwidth: only.peakBandwidth,
      segments: audioPlaylists[Math.max(0, defaultAudio)]!.segments.length,
    });
  }

  const hasVideo = rungs.length > 0;
  const text = writeMultivariantPlaylist({
    version: Math.max(...media.map((p) => p.version)),
    startBitrate: plan.startBitrateKbps * 1000,
    variants: variants.map((v) => ({
      uri: v.uri,
      bitrate: { average: v.averageBandwidth, peak: v.peakBandwidth },
      codecs: v.codecs,
      resolution: v.width && v.height ? { width: v.width, height: v.height } : undefined,
      frameRate: v.frameRate,
      // Apple 9.16: every variant is SDR (HDR sources are tone-mapped), said explicitly.
      videoRange: hasVideo ? 'SDR' : undefined,
    })),
    iframeVariants: iframeVariants.map((v) => ({
      uri: v.uri,
      bitrate: v.bitrate,
      codecs: v.codecs,
      resolution: { width: v.rung.width, height: v.rung.height },
      videoRange: 'SDR',
    })),
    audio: hasVideo ? audio.map((a) => ({ ...a, groupId: 'audio', channels: a.channels })) : [],
    subtitles: subtitles.map((s) => ({ ...s, groupId: 'subs' })),
  });
  await writeFile(path.join(dir, PACKAGE_NAMES.multivariantPlaylist), text);
  return {
    durationSec: Math.max(...media.map((p) => p.durationSec)),
    targetDurationSec,
    variants,
    audio,
    subtitles,
    images,
    keyCount,
  };
}

/** Each subtitle → `sub-N/seg_*.vtt` cut on the first rung's segment boundaries, with its playlist. */
async function writeSubtitleRenditions(
  plan: EncodePlan,
  timeline: MediaPlaylistFacts,
  targetDurationSec: number,
  ctx: AssemblyContext,
): Promise<PackagedSubtitle[]> {
  if (plan.subtitles.length === 0) return [];
  const mpegtsAtZero = await timestampAtZero(timeline, ctx);
  const durations = timeline.segments.map((s) => s.durationSec);
  const result: PackagedSubtitle[] = [];
  for (const sub of plan.subtitles) {
    // Embedded cues are timed from the file's start; the timeline starts at the first picture.
    const shift = sub.source.kind === 'stream' ? (plan.video?.startOffsetSec ?? 0) : 0;
    const cues = parseVtt(await readFile(path.join(ctx.workDir, `${sub.id}.vtt`), 'utf8')).map((c) => ({
      ...c,
      start: Math.max(0, c.start - shift),
      end: Math.max(0, c.end - shift),
    }));
    const segments = segmentVtt(cues, durations, mpegtsAtZero);
    await mkdir(path.join(ctx.packageDir, sub.id), { recursive: true });
    const lines = [
      '#EXTM3U',
      '#EXT-X-VERSION:3',
      `#EXT-X-TARGETDURATION:${targetDurationSec}`,
      '#EXT-X-MEDIA-SEQUENCE:0',
    ];
    lines.push('#EXT-X-PLAYLIST-TYPE:VOD');
    for (const [i, body] of segments.entries()) {
      const name = `seg_${String(i).padStart(5, '0')}.vtt`;
      await writeFile(path.join(ctx.packageDir, sub.id, name), body);
      lines.push(`#EXTINF:${durations[i]!.toFixed(6)},`, name);
    }
    lines.push('#EXT-X-ENDLIST');
    await writeFile(path.join(ctx.packageDir, playlistUri(sub.id)), lines.join('\n') + '\n');
    result.push({
      uri: playlistUri(sub.id),
      name: sub.name,
      language: sub.language,
      isDefault: sub.isDefault,
      forced: sub.forced,
      cues: cues.length,
    });
  }
  return result;
}

/**
 * The 90 kHz timestamp the video segments give to media time 0 (X-TIMESTAMP-MAP's MPEGTS): the mpegts
 * muxer starts at 1.4 s, fMP4 at its first decode time. Read from the first segment, as players do.
 */
async function timestampAtZero(timeline: MediaPlaylistFacts, ctx: AssemblyContext): Promise<number> {
  let file = path.join(ctx.packageDir, timeline.segments[0]!.uri);
  if (timeline.initUri) {
    const joined = path.join(ctx.workDir, 'timestamp-probe.mp4');
    await writeFile(
      joined,
      Buffer.concat([await readFile(path.join(ctx.packageDir, timeline.initUri)), await readFile(file)]),
    );
    file = joined;
  }
  const query = (args: string[]) =>
    ffprobeQuery(file, ['-select_streams', 'v:0', ...args, '-of', 'csv=p=0'], ctx);
  const pts = Number.parseInt(
    firstCsvField(await query(['-read_intervals', '%+#1', '-show_entries', 'packet=pts'])),
    10,
  );
  if (!Number.isFinite(pts)) return 0;
  // TS time base is already 90 kHz; fMP4's is the track timescale, and ffprobe reports pts in it.
  if (!timeline.initUri) return pts;
  const [num, den] = firstCsvField(await query(['-show_entries', 'stream=time_base']))
    .split('/')
    .map(Number);
  return num && den ? Math.round((pts * num * 90000) / den) : 0;
}

async function writeStoryboard(
  plan: EncodePlan,
  videoDurationSec: number,
  ctx: AssemblyContext,
): Promise<PackagedImages> {
  const images = plan.images!;
  const result: PackagedImages = {
    posterJpeg: PACKAGE_NAMES.posterJpeg,
    posterWebp: PACKAGE_NAMES.posterWebp,
    width: images.poster.width,
    height: images.poster.height,
    preview: images.preview ? PACKAGE_NAMES.preview : undefined,
  };
  const sb = images.storyboard;
  if (!sb) return result;
  const sprites = (await readdir(path.join(ctx.packageDir, PACKAGE_NAMES.storyboardDir)))
    .filter((f) => f.endsWith('.jpg'))
    .sort();
  const perSheet = sb.columns * sb.rows;
  // Never point at a sheet ffmpeg did not write (a source shorter than its probed duration).
  const duration = Math.min(videoDurationSec, sprites.length * perSheet * sb.intervalSec);
  const vtt = storyboardVtt(sb, duration, PACKAGE_NAMES.storyboardSprite);
  await writeFile(path.join(ctx.packageDir, PACKAGE_NAMES.storyboardVtt), vtt);
  result.storyboard = {
    vtt: PACKAGE_NAMES.storyboardVtt,
    sprites: sprites.map((s) => `${PACKAGE_NAMES.storyboardDir}/${s}`),
    intervalSec: sb.intervalSec,
    tileWidth: sb.tileWidth,
    tileHeight: sb.tileHeight,
  };
  return result;
}

type IFrameIndex = Omit<IFramePlaylistInput, 'version'>;

/**
 * Copies each I-frame into a file of its own (TS: PAT/PMT + the frame; fMP4: moof + an mdat cut to the
 * first sample), so it can be encrypted and fetched whole.
 */
async function materializeIFrames(
  dir: string,
  p: MediaPlaylistFacts,
  index: IFrameIndex,
): Promise<IFrameIndex> {
  const folder = path.join(dir, path.posix.dirname(p.uri));
  const ext = p.initUri ? 'm4s' : 'ts';
  const mapBytes = index.map?.byteRange
    ? (await readFile(path.join(folder, index.map.uri))).subarray(0, index.map.byteRange.length)
    : Buffer.alloc(0);
  const entries: IFrameEntry[] = [];
  for (const [n, e] of index.entries.entries()) {
    const segment = await readFile(path.join(folder, e.uri));
    const range = e.byteRange!;
    const frame = Buffer.from(segment.subarray(range.offset, range.offset + range.length));
    if (p.initUri) {
      const mdat = listBoxes(frame).find((b) => b.type === 'mdat');
      if (mdat) frame.writeUInt32BE(frame.length - mdat.offset, mdat.offset);
    }
    const name = `iframe_${String(n).padStart(5, '0')}.${ext}`;
    await writeFile(path.join(folder, name), Buffer.concat([mapBytes, frame]));
    entries.push({ uri: name, durationSec: e.durationSec, segmentIndex: e.segmentIndex });
  }
  return { map: p.initUri ? index.map : undefined, entries };
}
