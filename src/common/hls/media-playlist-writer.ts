import type { ByteRange } from './iframe-playlist.js';

/** One entry of a media playlist as it is written: a segment, or an I-frame of one. */
export interface PlaylistEntry {
  uri: string;
  durationSec: number;
  byteRange?: ByteRange;
  /** Index into `keys`; an EXT-X-KEY is written wherever it changes. */
  keyIndex?: number;
}

export interface MediaPlaylistInput {
  targetDurationSec: number;
  entries: PlaylistEntry[];
  /** EXT-X-MAP: fMP4's init section, or the PAT/PMT bytes an I-frame playlist of TS needs. */
  map?: { uri: string; byteRange?: ByteRange };
  /** RFC 8216 4.3.3.6 (EXT-X-I-FRAMES-ONLY). */
  iframesOnly?: boolean;
  /** AES-128 keys (URI and IV) that `keyIndex` refers to. */
  keys?: { uri: string; iv: string }[];
  /** Apple 9.11 on the media playlist too: every segment starts with a keyframe. */
  independentSegments?: boolean;
}

/**
 * RFC 8216 4.3.3 / 4.3.2: a VOD media playlist (or I-frame playlist) written whole from the package
 * model. The version is the least the tags need (RFC 8216 7): 3 for decimal EXTINF, 2 for IV, 4 for
 * byte ranges and I-frames, 5 for EXT-X-MAP in an I-frame playlist, 6 for EXT-X-MAP otherwise.
 */
export function writeMediaPlaylist(input: MediaPlaylistInput): string {
  const usesRanges = input.entries.some((e) => e.byteRange) || input.map?.byteRange !== undefined;
  let version = 3;
  if (usesRanges || input.iframesOnly) version = 4;
  if (input.map) version = Math.max(version, input.iframesOnly ? 5 : 6);
  const lines = [
    '#EXTM3U',
    `#EXT-X-VERSION:${version}`,
    `#EXT-X-TARGETDURATION:${input.targetDurationSec}`,
    '#EXT-X-MEDIA-SEQUENCE:0',
    '#EXT-X-PLAYLIST-TYPE:VOD',
  ];
  if (input.independentSegments || input.iframesOnly) lines.push('#EXT-X-INDEPENDENT-SEGMENTS');
  if (input.iframesOnly) lines.push('#EXT-X-I-FRAMES-ONLY');
  // The map comes before any key, so the init section itself stays in the clear.
  if (input.map) lines.push(`#EXT-X-MAP:URI="${input.map.uri}"${rangeAttribute(input.map.byteRange)}`);
  let key: number | undefined;
  for (const e of input.entries) {
    if (e.keyIndex !== undefined && e.keyIndex !== key && input.keys?.[e.keyIndex]) {
      const k = input.keys[e.keyIndex]!;
      lines.push(`#EXT-X-KEY:METHOD=AES-128,URI="${k.uri}",IV=0x${k.iv}`);
      key = e.keyIndex;
    }
    lines.push(`#EXTINF:${e.durationSec.toFixed(6)},`);
    if (e.byteRange) lines.push(`#EXT-X-BYTERANGE:${e.byteRange.length}@${e.byteRange.offset}`);
    lines.push(e.uri);
  }
  lines.push('#EXT-X-ENDLIST');
  return lines.join('\n') + '\n';
}

const rangeAttribute = (range: ByteRange | undefined) =>
  range ? `,BYTERANGE="${range.length}@${range.offset}"` : '';
