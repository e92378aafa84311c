import { describe, expect, it } from 'vitest';
import { headerPolicy, headersFor, roleOf } from './object-headers.js';

const LONG = 'max-age=31536000, immutable';
const policy = headerPolicy();

describe('Content-Type and Cache-Control per file (HLS-NOTES table)', () => {
  it.each([
    ['master.m3u8', 'multivariant-playlist', 'application/vnd.apple.mpegurl', 'max-age=60'],
    ['v0-360p/index.m3u8', 'media-playlist', 'application/vnd.apple.mpegurl', 'max-age=60'],
    ['v0-360p/iframes.m3u8', 'media-playlist', 'application/vnd.apple.mpegurl', 'max-age=60'],
    ['v0-360p/seg_00000.ts', 'segment', 'video/mp2t', LONG],
    ['v0-360p/seg_00000.m4s', 'segment', 'video/iso.segment', LONG],
    ['v0-360p/init.mp4', 'init-segment', 'video/mp4', LONG],
    ['v0-360p/iframe_00003.ts', 'iframe-segment', 'video/mp2t', LONG],
    ['audio-0/seg_00000.aac', 'segment', 'audio/aac', LONG],
    ['sub-0/seg_00000.vtt', 'segment', 'text/vtt', LONG],
    ['sub-0/index.m3u8', 'media-playlist', 'application/vnd.apple.mpegurl', 'max-age=60'],
    ['storyboard/thumbnails.vtt', 'storyboard', 'text/vtt', 'max-age=60'],
    ['storyboard/sprite_000.jpg', 'storyboard', 'image/jpeg', LONG],
    ['poster.jpg', 'image', 'image/jpeg', LONG],
    ['poster.webp', 'image', 'image/webp', LONG],
    ['video.json', 'manifest', 'application/json', 'max-age=60'],
    ['../film.keys/key-0.key', 'key', 'application/octet-stream', 'no-store'],
    ['notes.txt', 'other', 'application/octet-stream', 'max-age=60'],
  ])('%s → %s, %s, "%s"', (file, role, type, cache) => {
    expect(roleOf(file)).toBe(role);
    expect(headersFor(file, policy)).toEqual({ contentType: type, cacheControl: cache });
  });

  it('never stores .ts as text/vnd.trolltech.linguist (what extension guessing gives)', () => {
    expect(headersFor('a/seg.ts', policy).contentType).toBe('video/mp2t');
  });

  it('--gzip-playlists marks playlists (only) gzip-encoded; the playlist max-age is configurable', () => {
    const gz = headerPolicy({ gzipPlaylists: true, playlistMaxAgeSec: 5 });
    expect(headersFor('master.m3u8', gz)).toEqual({
      contentType: 'application/vnd.apple.mpegurl',
      cacheControl: 'max-age=5',
      contentEncoding: 'gzip',
    });
    expect(headersFor('v0/seg_00000.ts', gz)).toEqual({ contentType: 'video/mp2t', cacheControl: LONG });
    expect(headersFor('video.json', gz)).toEqual({
      contentType: 'application/json',
      cacheControl: 'max-age=5',
    });
  });
});
