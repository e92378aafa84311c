import HLS from 'hls-parser';
import { describe, expect, it } from 'vitest';
import { writeMediaPlaylist } from './media-playlist-writer.js';

type MediaPlaylist = InstanceType<typeof HLS.types.MediaPlaylist>;
const entries = [
  { uri: 'seg_00000.m4s', durationSec: 6.006, keyIndex: 0 },
  { uri: 'seg_00001.m4s', durationSec: 6.006, keyIndex: 0 },
  { uri: 'seg_00002.m4s', durationSec: 3.2, keyIndex: 1 },
];
const keys = [
  { uri: 'k0', iv: '00'.repeat(16) },
  { uri: 'k1', iv: '11'.repeat(16) },
];

describe('media playlists written from the model', () => {
  it('RFC 8216 4.3.3.5 / 4.3.3.4: VOD with EXT-X-ENDLIST, one target duration, parsed back as written', () => {
    const text = writeMediaPlaylist({ targetDurationSec: 6, entries, independentSegments: true });
    const parsed = HLS.parse(text) as MediaPlaylist;
    expect(parsed.playlistType).toBe('VOD');
    expect(parsed.endlist).toBe(true);
    expect(parsed.targetDuration).toBe(6);
    expect(parsed.segments.map((s) => [s.uri, s.duration])).toEqual(
      entries.map((e) => [e.uri, e.durationSec]),
    );
    expect(text).toContain('#EXT-X-VERSION:3\n');
  });

  it('RFC 8216 7: EXT-X-MAP needs version 6 in a media playlist, 5 in an I-frame playlist', () => {
    expect(writeMediaPlaylist({ targetDurationSec: 6, entries, map: { uri: 'init.mp4' } })).toContain(
      '#EXT-X-VERSION:6\n',
    );
    const iframes = writeMediaPlaylist({
      targetDurationSec: 6,
      entries: [{ uri: 'seg_00000.ts', durationSec: 2, byteRange: { offset: 564, length: 9000 } }],
      map: { uri: 'seg_00000.ts', byteRange: { offset: 0, length: 564 } },
      iframesOnly: true,
    });
    expect(iframes).toContain('#EXT-X-VERSION:5\n');
    expect(iframes).toContain('#EXT-X-I-FRAMES-ONLY\n');
    expect(iframes).toContain('#EXT-X-MAP:URI="seg_00000.ts",BYTERANGE="564@0"\n');
    expect(iframes).toContain('#EXT-X-BYTERANGE:9000@564\nseg_00000.ts\n');
  });

  it('RFC 8216 5.2: an EXT-X-KEY with its IV where the key changes, after EXT-X-MAP (the init stays clear)', () => {
    const text = writeMediaPlaylist({ targetDurationSec: 6, entries, keys, map: { uri: 'init.mp4' } });
    const lines = text.split('\n');
    const k0 = lines.findIndex((l) => l.startsWith('#EXT-X-KEY') && l.includes('"k0"'));
    const k1 = lines.findIndex((l) => l.startsWith('#EXT-X-KEY') && l.includes('"k1"'));
    expect(k0).toBe(lines.indexOf('#EXT-X-MAP:URI="init.mp4"') + 1);
    expect(k1).toBe(lines.indexOf('seg_00001.m4s') + 1);
    expect(text.match(/EXT-X-KEY/g)).toHaveLength(2);
    const parsed = HLS.parse(text) as MediaPlaylist;
    expect(parsed.segments[2]!.key?.iv?.byteLength).toBe(16);
  });
});
