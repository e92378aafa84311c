import { keyIndexFor } from '../hls/key-schedule.js';
import type { IFramesModel, RenditionModel } from './package-model.js';

/**
 * Small pure steps on the package model. Each returns a new value and says which clause it serves;
 * the node side applies the few that move bytes (merging two segment files).
 */

/** Two segment files to join: `from` is appended to `into`, then removed. */
export interface SegmentMerge {
  into: string;
  from: string;
}

/**
 * Apple 7.7 / 1.27: a final segment of a fraction of a second (AAC priming makes ~21 ms of audio spill
 * past the picture) is folded into the one before it when the sum still rounds to the nominal
 * duration. Otherwise its container overhead over a few milliseconds would be the playlist's "peak".
 * TS packets and fMP4 fragments of one muxer run can be appended byte for byte.
 */
export function mergeShortTail(
  r: RenditionModel,
  nominalDurationSec: number,
): { rendition: RenditionModel; merge?: SegmentMerge } {
  const n = r.segments.length;
  if (n < 2) return { rendition: r };
  const last = r.segments[n - 1]!;
  const previous = r.segments[n - 2]!;
  const merged = previous.durationSec + last.durationSec;
  if (last.durationSec >= 1 || merged >= nominalDurationSec + 0.5) return { rendition: r };
  return {
    rendition: {
      ...r,
      segments: [
        ...r.segments.slice(0, n - 2),
        { ...previous, durationSec: merged, bytes: previous.bytes + last.bytes },
      ],
    },
    merge: { into: previous.name, from: last.name },
  };
}

/**
 * RFC 8216 6.2.4: every rendition presents the same content, so the audio must end with the picture.
 * A damaged source can stop giving one stream long before the other (a spliced transport stream, a cut
 * file whose audio was interleaved ahead of its video); the encoded video is then the truth, and the
 * audio is made again to end where it ends: silence added, or the rest cut. Returns that end when some
 * audio rendition is more than one segment away from it (the validator's own tolerance starts there);
 * the usual few milliseconds of AAC priming never count.
 */
export function audioRefitEndSec(
  videoSec: number[],
  audioSec: number[],
  segmentDurationSec: number,
): number | undefined {
  if (videoSec.length === 0 || audioSec.length === 0) return undefined;
  const sorted = [...videoSec].sort((a, b) => a - b);
  const end = sorted[Math.floor((sorted.length - 1) / 2)]!;
  return audioSec.some((a) => Math.abs(a - end) > segmentDurationSec) ? end : undefined;
}

/**
 * Apple HLS 8.2/8.6: audio, video and subtitle playlists share one target duration. RFC 8216 4.3.3.1:
 * every EXTINF rounded to the nearest integer is at most the target. (ffmpeg rounds each playlist's
 * own longest segment up: 6.016 s of AAC → 7, 6.006 s of video → 6.)
 */
export function unifiedTargetDuration(renditions: RenditionModel[]): number {
  return Math.max(1, ...renditions.flatMap((r) => r.segments.map((s) => Math.round(s.durationSec))));
}

/**
 * RFC 8216 5.2 with key rotation: segment i of every rendition uses key `floor(i / every)`, so all
 * renditions switch keys at the same instants (their segment boundaries are aligned).
 */
export function assignKeys(r: RenditionModel, every: number | undefined): RenditionModel {
  return { ...r, segments: r.segments.map((s, i) => ({ ...s, keyIndex: keyIndexFor(i, every) })) };
}

/** The I-frames take the key of the segment they come from. */
export function assignIFrameKeys(iframes: IFramesModel, every: number | undefined): IFramesModel {
  return {
    ...iframes,
    entries: iframes.entries.map((e) => ({ ...e, keyIndex: keyIndexFor(e.segmentIndex, every) })),
  };
}
