import HLS from 'hls-parser';
import { describe, expect, it } from 'vitest';
import { orderVariants, writeMultivariantPlaylist, type VariantEntry } from './multivariant-writer.js';

const variant = (uri: string, average: number, height: number): VariantEntry => ({
  uri,
  bitrate: { average, peak: Math.round(average * 1.3) },
  codecs: ['avc1.64001f', 'mp4a.40.2'],
  resolution: { width: Math.round((height * 16) / 9 / 2) * 2, height },
  frameRate: 29.97,
  videoRange: 'SDR',
});

describe('writeMultivariantPlaylist', () => {
  const text = writeMultivariantPlaylist({
    version: 6,
    startBitrate: 2_000_000,
    variants: [
      variant('v0/index.m3u8', 700_000, 360),
      variant('v1/index.m3u8', 2_100_000, 720),
      variant('v2/index.m3u8', 5_000_000, 1080),
    ],
    audio: [
      {
        uri: 'audio/index.m3u8',
        groupId: 'audio',
        name: 'English "main"',
        language: 'en',
        channels: 2,
        isDefault: true,
      },
    ],
  });
  const parsed = HLS.parse(text) as InstanceType<typeof HLS.types.MasterPlaylist>;

  it('Apple 9.1-9.4, 9.14, 9.15: every EXT-X-STREAM-INF has BANDWIDTH, AVERAGE-BANDWIDTH, CODECS, RESOLUTION, FRAME-RATE', () => {
    for (const v of parsed.variants) {
      expect(v.bandwidth).toBeGreaterThan(0);
      expect(v.averageBandwidth).toBeGreaterThan(0);
      expect(v.codecs).toBe('avc1.64001f,mp4a.40.2');
      expect(v.resolution).toBeDefined();
      expect(v.frameRate).toBeCloseTo(29.97, 3);
    }
  });

  it('Apple 9.11: EXT-X-INDEPENDENT-SEGMENTS', () => {
    expect(text).toContain('#EXT-X-INDEPENDENT-SEGMENTS');
  });

  it('Apple 1.32: the variant nearest 2000 kb/s is listed first', () => {
    expect(parsed.variants.map((v) => v.uri)).toEqual(['v1/index.m3u8', 'v0/index.m3u8', 'v2/index.m3u8']);
  });

  it('Apple 9.5: audio is a separate rendition group every video variant names', () => {
    expect(parsed.variants.every((v) => v.audio.length === 1 && v.audio[0]!.groupId === 'audio')).toBe(true);
    expect(text).toContain(`#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="audio",NAME="English 'main'"`);
  });

  it('RFC 8216 4.3.4.1: FORCED is not written on an AUDIO rendition; a quote in a name cannot break the tag', () => {
    expect(text).not.toContain('FORCED');
    expect(text).not.toMatch(/NAME="[^"]*"[^,\n]/);
  });
});

describe('orderVariants', () => {
  it('puts the closest to the start rate first, then the rest low to high', () => {
    const vs = [500, 4000, 1800, 900].map((kb) => ({
      id: kb,
      bitrate: { average: kb * 1000, peak: kb * 1000 },
    }));
    expect(orderVariants(vs, 2_000_000).map((v) => v.id)).toEqual([1800, 500, 900, 4000]);
  });
});
