import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { listBoxes } from '../../common/container/iso-boxes.js';
import type {
  PackageResult,
  PackagedAudio,
  PackagedImages,
  PackagedSubtitle,
  PackagedVariant,
} from '../../common/encode-events.js';
import { addBitrates, measureBitrate, type MeasuredBitrate } from '../../common/hls/bitrate-measure.js';
import { iframeBitrate, type IFrameEntry } from '../../common/hls/iframe-playlist.js';
import { writeMediaPlaylist } from '../../common/hls/media-playlist-writer.js';
import { writeMultivariantPlaylist } from '../../common/hls/multivariant-writer.js';
import { storyboardVtt } from '../../common/images/storyboard-vtt.js';
import { toNumber } from '../../common/media/rational.js';
import { PACKAGE_NAMES } from '../../common/package/package-layout.js';
import {
  durationOf,
  iframePlaylistPath,
  initPath,
  playlistPath,
  segmentPath,
  type IFramesModel,
  type PackageModel,
  type RenditionModel,
} from '../../common/package/package-model.js';
import {
  assignIFrameKeys,
  assignKeys,
  mergeShortTail,
  unifiedTargetDuration,
} from '../../common/package/package-steps.js';
import type { EncodePlan } from '../../common/plan/encode-plan.js';
import { parseVtt, segmentVtt } from '../../common/subtitles/webvtt.js';
import { ffprobeQuery, firstCsvField } from '../ffmpeg/ffprobe-query.js';
import { indexIFrames } from './iframe-index.js';
import { applyMerge, measureSegments, readRendition } from './media-playlist-reader.js';
import { encryptFiles } from './segment-encryption.js';
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

/** The package-level facts of PackageResult, plus the model every playlist was written from. */
export type AssembledPackage = Pick<
  PackageResult,
  'durationSec' | 'targetDurationSec' | 'variants' | 'audio' | 'subtitles' | 'images'
> & { keyCount: number; model: PackageModel };

/**
 * Turns what ffmpeg wrote into a finished package. ffmpeg's media playlists are read once into the
 * package model; small pure steps change the model (merge a short tail, one target duration, I-frame
 * entries, keys); then every playlist is written once from it — media, subtitle, I-frame and
 * multivariant — with bit rates measured from the final bytes. The number of processes does not grow
 * with the number of segments: segments are indexed in-process; codec strings take one run per rendition.
 */
export async function assemblePackage(plan: EncodePlan, ctx: AssemblyContext): Promise<AssembledPackage> {
  const dir = ctx.packageDir;
  const rungs = plan.video?.rungs ?? [];
  const read = async (id: string, kind: 'video' | 'audio') => {
    const { rendition, merge } = mergeShortTail(await readRendition(dir, id, kind), plan.segmentDurationSec);
    if (merge) await applyMerge(dir, rendition, merge);
    return rendition;
  };
  let video = await Promise.all(rungs.map((r) => read(r.id, 'video')));
  let audio = await Promise.all(plan.audio.map((a) => read(a.id, 'audio')));

  // Everything that reads the streams happens before encryption.
  const codecFile = (r: RenditionModel) => path.join(dir, initPath(r) ?? segmentPath(r, r.segments[0]!));
  const videoCodecs: string[] = [];
  for (const r of video) videoCodecs.push(await videoCodecString(codecFile(r), plan.codec, ctx.signal));
  const audioCodecs: string[] = [];
  for (const r of audio) audioCodecs.push(await audioCodecString(codecFile(r), ctx.signal));
  let iframes: IFramesModel[] = [];
  for (const r of video) iframes.push(await indexIFrames(dir, r));
  const subtitles = video[0] ? await writeSubtitleSegments(plan, video[0], ctx) : [];
  const targetDurationSec = unifiedTargetDuration([...video, ...audio, ...subtitles.map((s) => s.rendition)]);
  const images = plan.images
    ? await writeStoryboard(plan, video[0] ? durationOf(video[0]) : 0, ctx)
    : undefined;

  let keys: PackageModel['keys'] = [];
  if (plan.encryption) {
    const every = plan.encryption.rotateEverySegments;
    // Whole-segment AES-128 cannot be decrypted from the middle of a file, so each I-frame becomes a file.
    iframes = await Promise.all(iframes.map((f, i) => materializeIFrames(dir, video[i]!, f)));
    video = video.map((r) => assignKeys(r, every));
    audio = audio.map((r) => assignKeys(r, every));
    iframes = iframes.map((f) => assignIFrameKeys(f, every));
    const files = [
      ...[...video, ...audio].flatMap((r) =>
        r.segments.map((s) => ({ path: segmentPath(r, s), keyIndex: s.keyIndex! })),
      ),
      ...iframes.flatMap((f) => f.entries.map((e) => ({ path: `${f.id}/${e.uri}`, keyIndex: e.keyIndex! }))),
    ];
    keys = await encryptFiles(dir, ctx.keysDir, ctx.packageName, files, plan.encryption);
  }

  // Bytes are final now: measure them, then write every playlist from the model.
  video = await Promise.all(video.map((r) => measureSegments(dir, r)));
  audio = await Promise.all(audio.map((r) => measureSegments(dir, r)));
  const model: PackageModel = {
    targetDurationSec,
    renditions: [...video, ...audio, ...subtitles.map((s) => s.rendition)],
    iframes,
    keys,
  };
  await writeMediaPlaylists(dir, model);

  const audioBitrates = audio.map((r) => measureBitrate(r.segments));
  // A variant plays with one audio rendition at a time: count the most demanding one (RFC 8216 4.3.4.2).
  const audioForVariant = audioBitrates.reduce<MeasuredBitrate | undefined>(
    (max, b) => (max && max.peak >= b.peak ? max : b),
    undefined,
  );
  const variants: PackagedVariant[] = [];
  const iframeVariants = [];
  for (const [i, rung] of rungs.entries()) {
    const r = video[i]!;
    const bitrate = addBitrates(measureBitrate(r.segments), audioForVariant);
    const entries = iframes[i]!.entries;
    const sizes = await Promise.all(
      entries.map(async (e) => e.byteRange?.length ?? (await stat(path.join(dir, r.id, e.uri))).size),
    );
    variants.push({
      uri: playlistPath(r),
      width: rung.width,
      height: rung.height,
      frameRate: toNumber(rung.frameRate),
      codecs: audioCodecs[0] ? [videoCodecs[i]!, audioCodecs[0]] : [videoCodecs[i]!],
      averageBandwidth: bitrate.average,
      peakBandwidth: bitrate.peak,
      segments: r.segments.length,
      iframePlaylist: iframePlaylistPath(r),
    });
    iframeVariants.push({
      uri: iframePlaylistPath(r),
      bitrate: iframeBitrate(entries, (e) => sizes[entries.indexOf(e)]!),
      codecs: [videoCodecs[i]!],
      rung,
    });
  }
  const packagedAudio: PackagedAudio[] = plan.audio.map((a, i) => ({
    uri: playlistPath(audio[i]!),
    name: a.name,
    language: a.language,
    isDefault: a.isDefault,
    codec: audioCodecs[i]!,
    channels: a.channels,
    averageBandwidth: audioBitrates[i]!.average,
    peakBandwidth: audioBitrates[i]!.peak,
  }));
  if (variants.length === 0 && packagedAudio[0]) {
    // Audio-only package: the default audio playlist is the one variant (no RESOLUTION, no AUDIO group).
    const only = Math.max(
      0,
      plan.audio.findIndex((a) => a.isDefault),
    );
    const a = packagedAudio[only]!;
    variants.push({
      uri: a.uri,
      codecs: [a.codec],
      averageBandwidth: a.averageBandwidth,
      peakBandwidth: a.peakBandwidth,
      segments: audio[only]!.segments.length,
    });
  }

  const hasVideo = rungs.length > 0;
  const text = writeMultivariantPlaylist({
    version: Math.max(3, ...model.renditions.map((r) => (r.initName ? 6 : 3))),
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
    audio: hasVideo ? packagedAudio.map((a) => ({ ...a, groupId: 'audio', channels: a.channels })) : [],
    subtitles: subtitles.map((s) => ({ ...s.packaged, groupId: 'subs' })),
  });
  await writeFile(path.join(dir, PACKAGE_NAMES.multivariantPlaylist), text);
  return {
    durationSec: Math.max(...[...video, ...audio].map(durationOf)),
    targetDurationSec,
    variants,
    audio: packagedAudio,
    subtitles: subtitles.map((s) => s.packaged),
    images,
    keyCount: keys.length,
    model,
  };
}

/** Every media and I-frame playlist of the package, written from the model. */
async function writeMediaPlaylists(dir: string, model: PackageModel): Promise<void> {
  for (const r of model.renditions) {
    const text = writeMediaPlaylist({
      targetDurationSec: model.targetDurationSec,
      map: r.initName ? { uri: r.initName } : undefined,
      entries: r.segments.map((s) => ({ uri: s.name, durationSec: s.durationSec, keyIndex: s.keyIndex })),
      keys: model.keys,
      independentSegments: r.kind !== 'subtitles',
    });
    await writeFile(path.join(dir, playlistPath(r)), text);
  }
  for (const f of model.iframes) {
    const text = writeMediaPlaylist({
      // RFC 8216 4.3.3.1 for the I-frame playlist's own entries.
      targetDurationSec: Math.max(1, ...f.entries.map((e) => Math.round(e.durationSec))),
      iframesOnly: true,
      map: f.map,
      entries: f.entries,
      keys: model.keys,
    });
    await writeFile(path.join(dir, iframePlaylistPath(f)), text);
  }
}

/** Each subtitle → `sub-N/seg_*.vtt` cut on the first rung's segment boundaries (its playlist comes later). */
async function writeSubtitleSegments(
  plan: EncodePlan,
  timeline: RenditionModel,
  ctx: AssemblyContext,
): Promise<{ rendition: RenditionModel; packaged: PackagedSubtitle }[]> {
  if (plan.subtitles.length === 0) return [];
  const mpegtsAtZero = await timestampAtZero(timeline, ctx);
  const durations = timeline.segments.map((s) => s.durationSec);
  const result = [];
  for (const sub of plan.subtitles) {
    // Embedded cues are timed from the file's start; the timeline starts at the first picture.
    const shift = sub.source.kind === 'stream' ? (plan.video?.startOffsetSec ?? 0) : 0;
    const cues = parseVtt(await readFile(path.join(ctx.workDir, `${sub.id}.vtt`), 'utf8')).map((c) => ({
      ...c,
      start: Math.max(0, c.start - shift),
      end: Math.max(0, c.end - shift),
    }));
    const bodies = segmentVtt(cues, durations, mpegtsAtZero);
    await mkdir(path.join(ctx.packageDir, sub.id), { recursive: true });
    const segments = [];
    for (const [i, body] of bodies.entries()) {
      const name = `seg_${String(i).padStart(5, '0')}.vtt`;
      await writeFile(path.join(ctx.packageDir, sub.id, name), body);
      segments.push({ name, durationSec: durations[i]!, bytes: Buffer.byteLength(body) });
    }
    result.push({
      rendition: { id: sub.id, kind: 'subtitles' as const, segments },
      packaged: {
        uri: playlistPath({ id: sub.id }),
        name: sub.name,
        language: sub.language,
        isDefault: sub.isDefault,
        forced: sub.forced,
        cues: cues.length,
      },
    });
  }
  return result;
}

/**
 * The 90 kHz timestamp the video segments give to media time 0 (X-TIMESTAMP-MAP's MPEGTS): the mpegts
 * muxer starts at 1.4 s, fMP4 at its first decode time. Read from the first segment, as players do.
 */
async function timestampAtZero(timeline: RenditionModel, ctx: AssemblyContext): Promise<number> {
  let file = path.join(ctx.packageDir, segmentPath(timeline, timeline.segments[0]!));
  const init = initPath(timeline);
  if (init) {
    const joined = path.join(ctx.workDir, 'timestamp-probe.mp4');
    await writeFile(
      joined,
      Buffer.concat([await readFile(path.join(ctx.packageDir, init)), await readFile(file)]),
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
  if (!init) return pts;
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

/**
 * Copies each I-frame into a file of its own (TS: PAT/PMT + the frame; fMP4: moof + an mdat cut to the
 * first sample), so it can be encrypted and fetched whole.
 */
async function materializeIFrames(
  dir: string,
  r: RenditionModel,
  index: IFramesModel,
): Promise<IFramesModel> {
  const folder = path.join(dir, r.id);
  const ext = r.initName ? 'm4s' : 'ts';
  const mapBytes = index.map?.byteRange
    ? (await readFile(path.join(folder, index.map.uri))).subarray(0, index.map.byteRange.length)
    : Buffer.alloc(0);
  const entries: IFrameEntry[] = [];
  // Entries come in segment order, several per segment: read each segment once.
  let current: { uri: string; bytes: Buffer } | undefined;
  for (const [n, e] of index.entries.entries()) {
    if (current?.uri !== e.uri) current = { uri: e.uri, bytes: await readFile(path.join(folder, e.uri)) };
    const segment = current.bytes;
    const range = e.byteRange!;
    const frame = Buffer.from(segment.subarray(range.offset, range.offset + range.length));
    if (r.initName) {
      const mdat = listBoxes(frame).find((b) => b.type === 'mdat');
      if (mdat) frame.writeUInt32BE(frame.length - mdat.offset, mdat.offset);
    }
    const name = `iframe_${String(n).padStart(5, '0')}.${ext}`;
    await writeFile(path.join(folder, name), Buffer.concat([mapBytes, frame]));
    entries.push({ uri: name, durationSec: e.durationSec, segmentIndex: e.segmentIndex });
  }
  return { id: index.id, map: r.initName ? index.map : undefined, entries };
}
