/**
 * What each package file is and the headers it is stored with. Explicit, because guessing from the
 * extension goes wrong (`aws s3 sync` stores `.ts` segments as Qt translation files, text/vnd.trolltech.linguist).
 */
import { PACKAGE_NAMES } from '../package/package-layout.js';

export type FileRole =
  | 'segment'
  | 'init-segment'
  | 'iframe-segment'
  | 'key'
  | 'image'
  | 'storyboard'
  | 'media-playlist'
  | 'multivariant-playlist'
  | 'manifest'
  | 'other';

export interface ObjectHeaders {
  contentType: string;
  cacheControl: string;
  contentEncoding?: 'gzip';
}

export interface HeaderPolicy {
  /** Playlists, storyboard VTT, video.json: they may be republished. */
  shortCache: string;
  /** Segments and images: their names never get new content. */
  longCache: string;
  /** AES-128 keys: never kept in shared caches. */
  keyCache: string;
  /** Apple HLS Authoring Spec 10.1: playlists served gzip-compressed. */
  gzipPlaylists: boolean;
}

export function headerPolicy(
  options: { playlistMaxAgeSec?: number; gzipPlaylists?: boolean } = {},
): HeaderPolicy {
  return {
    shortCache: `max-age=${options.playlistMaxAgeSec ?? 60}`,
    longCache: 'max-age=31536000, immutable',
    keyCache: 'no-store',
    gzipPlaylists: options.gzipPlaylists ?? false,
  };
}

const SEGMENT_TYPES: Record<string, string> = {
  ts: 'video/mp2t',
  m4s: 'video/iso.segment',
  mp4: 'video/mp4',
  aac: 'audio/aac',
  m4a: 'audio/mp4',
  mp3: 'audio/mpeg',
  ac3: 'audio/ac3',
  ec3: 'audio/eac3',
  vtt: 'text/vtt',
  webvtt: 'text/vtt',
};

const IMAGE_TYPES: Record<string, string> = {
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  gif: 'image/gif',
  avif: 'image/avif',
};

const extension = (relPath: string) => /\.([a-z0-9]+)$/i.exec(relPath)?.[1]?.toLowerCase() ?? '';
const baseName = (relPath: string) => relPath.slice(relPath.lastIndexOf('/') + 1);

/** The role of a file from its path relative to the package root (keys: `../<name>.keys/…`). */
export function roleOf(relPath: string): FileRole {
  const ext = extension(relPath);
  const name = baseName(relPath);
  if (relPath === PACKAGE_NAMES.multivariantPlaylist) return 'multivariant-playlist';
  if (relPath === PACKAGE_NAMES.videoJson) return 'manifest';
  if (ext === 'm3u8') return 'media-playlist';
  if (ext === 'key') return 'key';
  if (relPath.startsWith('storyboard/')) return 'storyboard';
  if (ext in IMAGE_TYPES) return 'image';
  if (ext === 'mp4' || (/^init[._-]/.test(name) && ext in SEGMENT_TYPES)) return 'init-segment';
  if (ext in SEGMENT_TYPES) return name.startsWith('iframe_') ? 'iframe-segment' : 'segment';
  return 'other';
}

/** Content-Type, Cache-Control and Content-Encoding for one file (HLS-NOTES "MIME types and caching"). */
export function headersFor(relPath: string, policy: HeaderPolicy, role = roleOf(relPath)): ObjectHeaders {
  const ext = extension(relPath);
  switch (role) {
    case 'multivariant-playlist':
    case 'media-playlist':
      return {
        contentType: 'application/vnd.apple.mpegurl',
        cacheControl: policy.shortCache,
        ...(policy.gzipPlaylists ? { contentEncoding: 'gzip' as const } : {}),
      };
    case 'manifest':
      return { contentType: 'application/json', cacheControl: policy.shortCache };
    case 'key':
      return { contentType: 'application/octet-stream', cacheControl: policy.keyCache };
    case 'storyboard':
      // The storyboard's WebVTT names sprites by position and is rewritten with them; sprites are images.
      return ext in IMAGE_TYPES
        ? { contentType: IMAGE_TYPES[ext]!, cacheControl: policy.longCache }
        : { contentType: 'text/vtt', cacheControl: policy.shortCache };
    case 'image':
      return { contentType: IMAGE_TYPES[ext]!, cacheControl: policy.longCache };
    case 'init-segment':
      return {
        contentType: ext === 'mp4' ? 'video/mp4' : SEGMENT_TYPES[ext]!,
        cacheControl: policy.longCache,
      };
    case 'segment':
    case 'iframe-segment':
      return { contentType: SEGMENT_TYPES[ext]!, cacheControl: policy.longCache };
    case 'other':
      return { contentType: 'application/octet-stream', cacheControl: policy.shortCache };
  }
}
