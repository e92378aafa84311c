import type { SegmentSample } from '../hls/bitrate-measure.js';
import type { ByteRange, IFrameEntry } from '../hls/iframe-playlist.js';
import { PACKAGE_NAMES } from './package-layout.js';

/**
 * The package as one typed model (shaka-packager's way): built from what ffmpeg wrote, changed by small
 * pure steps (package-steps.ts), and written once — every media, I-frame and multivariant playlist comes
 * from it (playlist writers in src/common/hls/). Nothing edits a playlist's text.
 */
export interface SegmentModel extends SegmentSample {
  /** File name inside the rendition's folder (made by the app: `seg_00000.ts`). */
  name: string;
  /** Index into PackageModel.keys when the segment is AES-128 encrypted. */
  keyIndex?: number;
}

export type RenditionKind = 'video' | 'audio' | 'subtitles';

/** One media playlist and its files, all in one folder of the package. */
export interface RenditionModel {
  /** The folder ("v0-360p", "audio-0", "sub-0"); the playlist is `<id>/index.m3u8`. */
  id: string;
  kind: RenditionKind;
  segments: SegmentModel[];
  /** fMP4: the Media Initialization Section's file name in the folder (EXT-X-MAP). */
  initName?: string;
}

/** A video rendition's I-frame playlist (Apple 6.1, RFC 8216 4.3.3.6). */
export interface IFramesModel {
  /** The video rendition it indexes (same folder). */
  id: string;
  /** TS: the PAT/PMT bytes at the head of the first segment; fMP4: the init section. */
  map?: { uri: string; byteRange?: ByteRange };
  entries: (IFrameEntry & { keyIndex?: number })[];
}

/** An AES-128 key as playlists name it (the key bytes never enter the model). */
export interface KeyReference {
  uri: string;
  /** 16 bytes, hex. */
  iv: string;
}

export interface PackageModel {
  /** One EXT-X-TARGETDURATION for every media playlist (Apple 8.2, 8.6). */
  targetDurationSec: number;
  renditions: RenditionModel[];
  iframes: IFramesModel[];
  keys: KeyReference[];
}

/** `<id>/index.m3u8`: where a rendition's media playlist is in the package. */
export const playlistPath = (r: { id: string }) => `${r.id}/${PACKAGE_NAMES.mediaPlaylist}`;
/** `<id>/iframes.m3u8`. */
export const iframePlaylistPath = (r: { id: string }) => `${r.id}/${PACKAGE_NAMES.iframePlaylist}`;
/** A segment's path from the package root. */
export const segmentPath = (r: { id: string }, s: { name: string }) => `${r.id}/${s.name}`;
/** The init section's path from the package root, for fMP4 renditions. */
export const initPath = (r: RenditionModel) => (r.initName ? `${r.id}/${r.initName}` : undefined);

export const durationOf = (r: RenditionModel) => r.segments.reduce((sum, s) => sum + s.durationSec, 0);
