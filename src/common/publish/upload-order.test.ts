import { describe, expect, it } from 'vitest';
import { roleOf } from './object-headers.js';
import { orderForPublish } from './upload-order.js';

const files = [
  'video.json',
  'master.m3u8',
  'v1-540p/index.m3u8',
  'v0-360p/seg_00010.ts',
  'v0-360p/seg_00002.ts',
  'v0-360p/index.m3u8',
  'v0-360p/iframes.m3u8',
  'v0-360p/iframe_00000.ts',
  'v0-360p/init.mp4',
  'poster.jpg',
  'storyboard/thumbnails.vtt',
  '../pkg.keys/key-0.key',
].map((relPath) => ({ relPath, role: roleOf(relPath) }));

describe('upload order (RFC 8216 6.2.1: a playlist never names a file not yet there)', () => {
  it('media first, then media playlists, then master.m3u8, then video.json', () => {
    const phases = orderForPublish(files);
    expect(phases.map((p) => p.phase)).toEqual([
      'media',
      'media-playlists',
      'multivariant-playlist',
      'manifest',
    ]);
    expect(phases[1]!.files.map((f) => f.relPath)).toEqual([
      'v0-360p/iframes.m3u8',
      'v0-360p/index.m3u8',
      'v1-540p/index.m3u8',
    ]);
    expect(phases[2]!.files.map((f) => f.relPath)).toEqual(['master.m3u8']);
    expect(phases[3]!.files.map((f) => f.relPath)).toEqual(['video.json']);
  });

  it('within the media phase: keys, init segments, segments (in numeric order), I-frames, images, storyboard', () => {
    expect(orderForPublish(files)[0]!.files.map((f) => f.relPath)).toEqual([
      '../pkg.keys/key-0.key',
      'v0-360p/init.mp4',
      'v0-360p/seg_00002.ts',
      'v0-360p/seg_00010.ts',
      'v0-360p/iframe_00000.ts',
      'poster.jpg',
      'storyboard/thumbnails.vtt',
    ]);
  });

  it('leaves out empty phases (a republish of one changed playlist)', () => {
    expect(
      orderForPublish([{ relPath: 'master.m3u8', role: 'multivariant-playlist' as const }]).map(
        (p) => p.phase,
      ),
    ).toEqual(['multivariant-playlist']);
  });
});
