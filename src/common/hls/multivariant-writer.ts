import HLS from 'hls-parser';
import type { MeasuredBitrate } from './bitrate-measure.js';

const { MasterPlaylist, Variant, Rendition } = HLS.types;

export interface VariantEntry {
  uri: string;
  bitrate: MeasuredBitrate;
  codecs: string[];
  resolution?: { width: number; height: number };
  frameRate?: number;
  videoRange?: 'SDR' | 'PQ' | 'HLG';
}

export interface AudioEntry {
  uri: string;
  groupId: string;
  name: string;
  language?: string;
  channels: number;
  isDefault: boolean;
}

export interface SubtitleEntry {
  uri: string;
  groupId: string;
  name: string;
  language?: string;
  isDefault: boolean;
  forced: boolean;
}

/** An I-frame playlist (EXT-X-I-FRAME-STREAM-INF, Apple 6.1). */
export interface IFrameVariantEntry {
  uri: string;
  bitrate: MeasuredBitrate;
  codecs: string[];
  resolution: { width: number; height: number };
  videoRange?: 'SDR' | 'PQ' | 'HLG';
}

export interface MultivariantInput {
  version: number;
  variants: VariantEntry[];
  iframeVariants?: IFrameVariantEntry[];
  audio: AudioEntry[];
  subtitles?: SubtitleEntry[];
  /** The variant players start on goes first (Apple 1.32); the rest follow by rising bandwidth. */
  startBitrate: number;
}

/**
 * Writes the multivariant playlist from measured values (ffmpeg 5.1's own writes neither
 * AVERAGE-BANDWIDTH nor FRAME-RATE, and its BANDWIDTH is the configured rate).
 */
export function writeMultivariantPlaylist(input: MultivariantInput): string {
  const audioRenditions = input.audio.map(
    (a) =>
      new Rendition({
        type: 'AUDIO',
        uri: a.uri,
        groupId: a.groupId,
        name: quotedString(a.name),
        language: a.language,
        isDefault: a.isDefault,
        autoselect: true,
        // RFC 8216 4.3.4.1: FORCED only on SUBTITLES renditions, so it stays undefined (not written) here.
        forced: undefined as unknown as boolean,
        channels: String(a.channels),
      }),
  );
  const subtitleRenditions = (input.subtitles ?? []).map(
    (s) =>
      new Rendition({
        type: 'SUBTITLES',
        uri: s.uri,
        groupId: s.groupId,
        name: quotedString(s.name),
        language: s.language,
        isDefault: s.isDefault,
        // RFC 8216 4.3.4.1: AUTOSELECT must be YES when DEFAULT is; forced subtitles are picked by the player.
        autoselect: true,
        forced: s.forced,
      }),
  );
  const iframeVariants = (input.iframeVariants ?? []).map(
    (v) =>
      new Variant({
        uri: v.uri,
        isIFrameOnly: true,
        bandwidth: v.bitrate.peak,
        averageBandwidth: v.bitrate.average,
        codecs: v.codecs.join(','),
        resolution: v.resolution,
        videoRange: v.videoRange,
      }),
  );
  const variants = orderVariants(input.variants, input.startBitrate).map(
    (v) =>
      new Variant({
        uri: v.uri,
        bandwidth: v.bitrate.peak,
        averageBandwidth: v.bitrate.average,
        codecs: v.codecs.join(','),
        resolution: v.resolution,
        frameRate: v.frameRate,
        videoRange: v.videoRange,
        audio: v.resolution ? audioRenditions : [],
        subtitles: v.resolution ? subtitleRenditions : [],
      }),
  );
  const playlist = new MasterPlaylist({
    version: input.version,
    independentSegments: true,
    variants: [...variants, ...iframeVariants],
  });
  return HLS.stringify(playlist) + '\n';
}

/** The variant closest to the start bit rate first, then the others from lowest to highest. */
export function orderVariants<T extends { bitrate: MeasuredBitrate }>(
  variants: T[],
  startBitrate: number,
): T[] {
  if (variants.length === 0) return [];
  const byBandwidth = [...variants].sort((a, b) => a.bitrate.average - b.bitrate.average);
  const start = byBandwidth.reduce((best, v) =>
    Math.abs(v.bitrate.average - startBitrate) < Math.abs(best.bitrate.average - startBitrate) ? v : best,
  );
  return [start, ...byBandwidth.filter((v) => v !== start)];
}

/** RFC 8216 4.2: a quoted-string cannot hold a double quote, CR or LF. */
export function quotedString(text: string): string {
  return (
    text
      .replace(/"/g, "'")
      .replace(/[\r\n]+/g, ' ')
      .trim() || 'Untitled'
  );
}
