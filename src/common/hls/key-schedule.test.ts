import { describe, expect, it } from 'vitest';
import { insertKeyTags, keyIndexFor, keyUri } from './key-schedule.js';

const playlist = `#EXTM3U
#EXT-X-VERSION:6
#EXT-X-TARGETDURATION:6
#EXT-X-MAP:URI="init.mp4"
#EXTINF:6.0,
seg_0.m4s
#EXTINF:6.0,
seg_1.m4s
#EXTINF:3.0,
seg_2.m4s
#EXT-X-ENDLIST
`;

describe('key schedule', () => {
  it('rotates every N segments', () => {
    expect([0, 1, 2, 3, 4].map((i) => keyIndexFor(i, 2))).toEqual([0, 0, 1, 1, 2]);
    expect(keyIndexFor(9, undefined)).toBe(0);
  });

  it('fills the key URI template', () => {
    expect(keyUri('../../{package}.keys/{key}', 3, 'my film')).toBe('../../my%20film.keys/key-3.key');
  });

  it('puts EXT-X-KEY before the first segment of each period, after EXT-X-MAP (init stays clear)', () => {
    const text = insertKeyTags(
      playlist,
      (i) => keyIndexFor(i, 2),
      (n) => `#EXT-X-KEY:METHOD=AES-128,URI="k${n}"`,
    );
    const lines = text.split('\n');
    expect(lines.indexOf('#EXT-X-KEY:METHOD=AES-128,URI="k0"')).toBe(
      lines.indexOf('#EXT-X-MAP:URI="init.mp4"') + 1,
    );
    expect(lines.indexOf('#EXT-X-KEY:METHOD=AES-128,URI="k1"')).toBe(lines.indexOf('seg_1.m4s') + 1);
    expect(text.match(/EXT-X-KEY/g)).toHaveLength(2);
  });
});
