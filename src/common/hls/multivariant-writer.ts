import type { MeasuredBitrate } from './bitrate-measure.js';

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
 * Writes the multivariant playlist (RFC 8216 4.3.4) from measured values (ffmpeg 5.1's own writes
 * neither AVERAGE-BANDWIDTH nor FRAME-RATE, and its BANDWIDTH is the configured rate). Plain lines, in
 * the order players and validators expect: renditions, variants (start variant first), I-frame variants.
 */
export function writeMultivariantPlaylist(input: MultivariantInput): string {
  const lines = ['#EXTM3U', `#EXT-X-VERSION:${input.version}`, '#EXT-X-INDEPENDENT-SEGMENTS'];
  const hasVideo = input.variants.some((v) => v.resolution);
  const audioGroup = hasVideo ? input.audio[0]?.groupId : undefined;
  const subtitleGroup = hasVideo ? input.subtitles?.[0]?.groupId : undefined;
  if (audioGroup) {
    for (const a of input.audio) {
      // RFC 8216 4.3.4.1: FORCED only on SUBTITLES renditions; AUTOSELECT=YES wherever DEFAULT=YES.
      lines.push(
        tag('EXT-X-MEDIA', [
          ['TYPE', 'AUDIO'],
          ['GROUP-ID', quoted(a.groupId)],
          ['NAME', quoted(a.name)],
          ['DEFAULT', a.isDefault ? 'YES' : 'NO'],
          ['AUTOSELECT', 'YES'],
          ['LANGUAGE', a.language && quoted(a.language)],
          ['CHANNELS', quoted(String(a.channels))],
          ['URI', quoted(a.uri)],
        ]),
      );
    }
  }
  if (subtitleGroup) {
    for (const s of input.subtitles ?? []) {
      lines.push(
        tag('EXT-X-MEDIA', [
          ['TYPE', 'SUBTITLES'],
          ['GROUP-ID', quoted(s.groupId)],
          ['NAME', quoted(s.name)],
          ['DEFAULT', s.isDefault ? 'YES' : 'NO'],
          ['AUTOSELECT', 'YES'],
          ['FORCED', s.forced ? 'YES' : 'NO'],
          ['LANGUAGE', s.language && quoted(s.language)],
          ['URI', quoted(s.uri)],
        ]),
      );
    }
  }
  for (const v of orderVariants(input.variants, input.startBitrate)) {
    lines.push(
      tag('EXT-X-STREAM-INF', [
        ['BANDWIDTH', String(v.bitrate.peak)],
        ['AVERAGE-BANDWIDTH', String(v.bitrate.average)],
        ['CODECS', quoted(v.codecs.join(','))],
        ['RESOLUTION', v.resolution && `${v.resolution.width}x${v.resolution.height}`],
        ['FRAME-RATE', v.frameRate?.toFixed(3)],
        ['AUDIO', v.resolution && audioGroup ? quoted(audioGroup) : undefined],
        ['SUBTITLES', v.resolution && subtitleGroup ? quoted(subtitleGroup) : undefined],
        ['VIDEO-RANGE', v.videoRange],
      ]),
      v.uri,
    );
  }
  for (const v of input.iframeVariants ?? []) {
    lines.push(
      tag('EXT-X-I-FRAME-STREAM-INF', [
        ['BANDWIDTH', String(v.bitrate.peak)],
        ['AVERAGE-BANDWIDTH', String(v.bitrate.average)],
        ['URI', quoted(v.uri)],
        ['CODECS', quoted(v.codecs.join(','))],
        ['RESOLUTION', `${v.resolution.width}x${v.resolution.height}`],
        ['VIDEO-RANGE', v.videoRange],
      ]),
    );
  }
  return lines.join('\n') + '\n';
}

/** `#NAME:K=V,…` with the attributes that have a value. */
const tag = (name: string, attributes: [string, string | undefined][]) =>
  `#${name}:` +
  attributes
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');

const quoted = (text: string) => `"${quotedString(text)}"`;

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
