import type { MeasuredBitrate } from './bitrate-measure.js';

export interface ByteRange {
  offset: number;
  length: number;
}

/** One I-frame of a media playlist: where its bytes are and how long it stands for. */
export interface IFrameEntry {
  uri: string;
  durationSec: number;
  /** Absent when the I-frame is a whole file of its own (encrypted packages). */
  byteRange?: ByteRange;
  /** Index of the media segment the I-frame comes from (its key, when encrypted). */
  segmentIndex: number;
}

export interface IFramePlaylistInput {
  version: number;
  /** TS: the segment's PAT/PMT bytes; fMP4: the init segment. */
  map?: { uri: string; byteRange?: ByteRange };
  entries: IFrameEntry[];
}

/** RFC 8216 4.3.3.6: an EXT-X-I-FRAMES-ONLY playlist (version 4+, 5+ with EXT-X-MAP). */
export function writeIFramePlaylist(input: IFramePlaylistInput): string {
  const target = Math.max(1, ...input.entries.map((e) => Math.round(e.durationSec)));
  const lines = [
    '#EXTM3U',
    `#EXT-X-VERSION:${Math.max(input.version, input.map ? 5 : 4)}`,
    `#EXT-X-TARGETDURATION:${target}`,
    '#EXT-X-MEDIA-SEQUENCE:0',
    '#EXT-X-PLAYLIST-TYPE:VOD',
    '#EXT-X-INDEPENDENT-SEGMENTS',
    '#EXT-X-I-FRAMES-ONLY',
  ];
  if (input.map) {
    const range = input.map.byteRange
      ? `,BYTERANGE="${input.map.byteRange.length}@${input.map.byteRange.offset}"`
      : '';
    lines.push(`#EXT-X-MAP:URI="${input.map.uri}"${range}`);
  }
  for (const e of input.entries) {
    lines.push(`#EXTINF:${e.durationSec.toFixed(6)},`);
    if (e.byteRange) lines.push(`#EXT-X-BYTERANGE:${e.byteRange.length}@${e.byteRange.offset}`);
    lines.push(e.uri);
  }
  lines.push('#EXT-X-ENDLIST');
  return lines.join('\n') + '\n';
}

/** BANDWIDTH of an I-frame playlist: the I-frame bytes over the time each stands for. */
export function iframeBitrate(entries: IFrameEntry[], bytesOf: (e: IFrameEntry) => number): MeasuredBitrate {
  const rates = entries.filter((e) => e.durationSec > 0).map((e) => (bytesOf(e) * 8) / e.durationSec);
  const total = entries.reduce((sum, e) => sum + bytesOf(e), 0);
  const seconds = entries.reduce((sum, e) => sum + e.durationSec, 0);
  return {
    average: seconds > 0 ? Math.round((total * 8) / seconds) : 0,
    peak: Math.round(Math.max(0, ...rates)),
  };
}
