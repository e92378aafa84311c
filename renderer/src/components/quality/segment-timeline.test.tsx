import { describe, expect, it } from 'vitest';
import { evenTimeline, timelineFromPlaylist } from './segment-timeline';

// As the packager writes a rung's media playlist (RFC 8216 4.3.2.1: EXTINF is the segment's duration).
const MEDIA = `#EXTM3U
#EXT-X-VERSION:3
#EXT-X-TARGETDURATION:6
#EXT-X-MEDIA-SEQUENCE:0
#EXT-X-PLAYLIST-TYPE:VOD
#EXT-X-INDEPENDENT-SEGMENTS
#EXTINF:6.000000,
seg_00000.ts
#EXTINF:4.000000,
seg_00001.ts
#EXT-X-ENDLIST
`;

describe('timelineFromPlaylist', () => {
  it('starts each segment where the EXTINFs before it end', () => {
    expect(timelineFromPlaylist(MEDIA)).toEqual({ starts: [0, 6], endSec: 10 });
  });
  it('is undefined for a multivariant playlist, an empty one or text that is no playlist', () => {
    expect(timelineFromPlaylist('#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\nv0/index.m3u8\n')).toBeUndefined();
    expect(timelineFromPlaylist('')).toBeUndefined();
    expect(timelineFromPlaylist('{"error":"no such package"}')).toBeUndefined();
  });
});

describe('evenTimeline', () => {
  it('spreads the segments evenly over the duration', () => {
    expect(evenTimeline(4, 10)).toEqual({ starts: [0, 2.5, 5, 7.5], endSec: 10 });
  });
});
