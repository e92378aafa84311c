import { writeMediaPlaylist } from '../hls/media-playlist-writer.js';
import { writeMultivariantPlaylist, type VariantEntry } from '../hls/multivariant-writer.js';
import { toNumber } from '../media/rational.js';
import type { EncodePlan } from '../plan/encode-plan.js';
import { PACKAGE_NAMES } from './package-layout.js';
import { playlistPath, type RenditionModel } from './package-model.js';
import { mergeShortTail, unifiedTargetDuration } from './package-steps.js';

/**
 * The playlists of a package that is still being encoded, written whole from its plan, for the studio's
 * preview. A player is handed complete VOD playlists up front (every expected segment listed, ENDLIST
 * included) and the server holds each segment request until the segment exists, as media servers do;
 * a growing EVENT playlist would make hls.js treat the job as a live stream (start near the live edge,
 * no seeking back, a late ENDLIST). Segment names are the finished package's, so the same URLs go on
 * working, served from the package folder, once the job is done.
 */
export interface LivePackage {
  format: EncodePlan['format'];
  /** The plan's nominal segment duration (the packager folds a short tail against it). */
  segmentDurationSec: number;
  targetDurationSec: number;
  renditions: LiveRendition[];
  multivariant: string;
}

/** A rendition as the preview is told it will be; `bytes` of its segments are unknown (0). */
export interface LiveRendition extends RenditionModel {
  kind: 'video' | 'audio';
  /** Its index in ffmpeg's var_stream_map (video rungs in order, then audio): it names the init section. */
  variantIndex: number;
}

/** What a request path under a live preview names: only these, so no other file can be reached. */
export type LiveRequest =
  | { kind: 'multivariant' }
  | { kind: 'media'; rendition: LiveRendition }
  | { kind: 'init'; rendition: LiveRendition }
  | { kind: 'segment'; rendition: LiveRendition; index: number };

// A preview guesses codec strings (the measured ones come from the finished segments): hls.js reads the
// real ones from the media, and these only have to be ones the browser accepts for the family.
const GUESSED_VIDEO_CODEC: Record<EncodePlan['codec'], string> = {
  h264: 'avc1.640028',
  hevc: 'hvc1.1.6.L123.B0',
};
const GUESSED_AUDIO_CODEC = 'mp4a.40.2';

/**
 * The package a plan will make, as far as it can be known before encoding: one rendition per rung and
 * per audio track, n = ceil(duration / segment duration) segments each (the last one shorter, folded
 * into the one before when the packager would fold it: mergeShortTail), EXT-X-MAP for fMP4.
 */
export function livePackage(plan: EncodePlan): LivePackage {
  const segments = expectedSegments(plan);
  const initName = plan.format === 'fmp4' ? PACKAGE_NAMES.initSegment : undefined;
  const rungs = plan.video?.rungs ?? [];
  const renditions: LiveRendition[] = [
    ...rungs.map((r, i) => ({ id: r.id, kind: 'video' as const, variantIndex: i })),
    ...plan.audio.map((a, i) => ({ id: a.id, kind: 'audio' as const, variantIndex: rungs.length + i })),
  ].map((r) => ({ ...r, segments, ...(initName ? { initName } : {}) }));

  const audioKbps = plan.audio[0]?.bitrateKbps ?? 0;
  const variants: VariantEntry[] = rungs.map((r) => ({
    uri: playlistPath(r),
    bitrate: { average: (r.bitrateKbps + audioKbps) * 1000, peak: (r.maxBitrateKbps + audioKbps) * 1000 },
    codecs: [GUESSED_VIDEO_CODEC[plan.codec], ...(plan.audio.length ? [GUESSED_AUDIO_CODEC] : [])],
    resolution: { width: r.width, height: r.height },
    frameRate: toNumber(r.frameRate),
  }));
  const only = Math.max(
    0,
    plan.audio.findIndex((a) => a.isDefault),
  );
  const onlyAudio = plan.audio[only];
  if (variants.length === 0 && onlyAudio) {
    // Audio only: the default audio playlist is the one variant, as in the finished package.
    const bps = onlyAudio.bitrateKbps * 1000;
    variants.push({
      uri: playlistPath(onlyAudio),
      bitrate: { average: bps, peak: bps },
      codecs: [GUESSED_AUDIO_CODEC],
    });
  }
  const multivariant = writeMultivariantPlaylist({
    version: initName ? 6 : 3,
    startBitrate: plan.startBitrateKbps * 1000,
    variants,
    audio: rungs.length
      ? plan.audio.map((a) => ({
          uri: playlistPath(a),
          groupId: 'audio',
          name: a.name,
          ...(a.language ? { language: a.language } : {}),
          channels: a.channels,
          isDefault: a.isDefault,
        }))
      : [],
  });
  return {
    format: plan.format,
    segmentDurationSec: plan.segmentDurationSec,
    targetDurationSec: unifiedTargetDuration(renditions),
    renditions,
    multivariant,
  };
}

/** A rendition's media playlist: VOD, every expected segment, ENDLIST. */
export function liveMediaPlaylist(live: LivePackage, r: LiveRendition): string {
  return writeMediaPlaylist({
    targetDurationSec: live.targetDurationSec,
    ...(r.initName ? { map: { uri: r.initName } } : {}),
    entries: r.segments.map((s) => ({ uri: s.name, durationSec: s.durationSec })),
    independentSegments: true,
  });
}

/**
 * Which staged files make the preview's segment `index` once ffmpeg is over, from ffmpeg's own list of
 * the rendition's segments: the fold of a short tail the packager is about to make (mergeShortTail) is
 * made by concatenation, and the preview's last segment takes every segment after it, as it will from
 * the finished package. Undefined when the package will not have that segment (the plan's estimate and
 * ffmpeg disagreed): the request then waits for the finished package, which answers.
 */
export function settledSegmentFiles(
  live: LivePackage,
  r: LiveRendition,
  index: number,
  staged: { name: string; durationSec: number }[],
): string[] | undefined {
  const { rendition, merge } = mergeShortTail(
    { id: r.id, kind: r.kind, segments: staged.map((s) => ({ ...s, bytes: 0 })) },
    live.segmentDurationSec,
  );
  const names = rendition.segments.map((s) => s.name);
  const at = names.indexOf(r.segments[index]?.name ?? '');
  if (at < 0) return undefined;
  const end = index === r.segments.length - 1 ? names.length : at + 1;
  return names.slice(at, end).flatMap((n) => (merge?.into === n ? [n, merge.from] : [n]));
}

/**
 * ffmpeg 5.1 names each variant's init section `init_<k>.mp4` (k: the variant's var_stream_map index)
 * whatever -hls_fmp4_init_filename says; the packager renames it to PACKAGE_NAMES.initSegment.
 */
export const stagedInitName = (r: LiveRendition): string => `init_${r.variantIndex}.mp4`;

/** `seg_00042.ts`: segment `index` of a rendition, by the layout's pattern. */
export function segmentName(format: EncodePlan['format'], index: number): string {
  return PACKAGE_NAMES.segmentPattern(format).replace('%05d', String(index).padStart(5, '0'));
}

/** Maps a path below the preview's base (`master.m3u8`, `v0-360p/seg_00003.ts`, …) to what it names. */
export function resolveLiveRequest(live: LivePackage, relPath: string): LiveRequest | undefined {
  if (relPath === PACKAGE_NAMES.multivariantPlaylist) return { kind: 'multivariant' };
  const parts = relPath.split('/');
  if (parts.length !== 2) return undefined;
  const [id, file] = parts as [string, string];
  const rendition = live.renditions.find((r) => r.id === id);
  if (!rendition) return undefined;
  if (file === PACKAGE_NAMES.mediaPlaylist) return { kind: 'media', rendition };
  if (rendition.initName && file === rendition.initName) return { kind: 'init', rendition };
  const index = rendition.segments.findIndex((s) => s.name === file);
  return index >= 0 ? { kind: 'segment', rendition, index } : undefined;
}

/** The segments every rendition is expected to have; ffmpeg cuts all of them at the same instants. */
function expectedSegments(plan: EncodePlan): RenditionModel['segments'] {
  const step = plan.segmentDurationSec;
  // A hair under a whole number of segments is that number (30.000001 s of 6 s segments is 5).
  const count = Math.max(1, Math.ceil(plan.durationSec / step - 1e-6));
  const segments = Array.from({ length: count }, (_, i) => ({
    name: segmentName(plan.format, i),
    durationSec: i < count - 1 ? step : Math.max(0.001, plan.durationSec - step * (count - 1)),
    bytes: 0,
  }));
  return mergeShortTail({ id: '', kind: 'video', segments }, step).rendition.segments;
}
