import { describe, expect, it } from 'vitest';
import { missingReferences, playlistUris, resolveInPackage } from './playlist-refs.js';

const media = `#EXTM3U
#EXT-X-VERSION:7
#EXT-X-TARGETDURATION:6
#EXT-X-MAP:URI="init.mp4"
#EXT-X-KEY:METHOD=AES-128,URI="../../film.keys/key-0.key",IV=0x00000000000000000000000000000001
#EXTINF:6.0,
seg_00000.m4s
#EXTINF:6.0,
seg_00001.m4s?v=2
#EXT-X-ENDLIST
`;

describe('files a playlist names (RFC 8216 4.3.2.4 EXT-X-KEY, 4.3.2.5 EXT-X-MAP, 4.3.4 URI attributes)', () => {
  it('segment lines and URI attributes, in order', () => {
    expect(playlistUris(media)).toEqual([
      'init.mp4',
      '../../film.keys/key-0.key',
      'seg_00000.m4s',
      'seg_00001.m4s?v=2',
    ]);
    const master =
      '#EXTM3U\n#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="a",NAME="x",URI="audio-0/index.m3u8"\n' +
      '#EXT-X-STREAM-INF:BANDWIDTH=1\nv0/index.m3u8\n#EXT-X-I-FRAME-STREAM-INF:BANDWIDTH=1,URI="v0/iframes.m3u8"\n';
    expect(playlistUris(master)).toEqual(['audio-0/index.m3u8', 'v0/index.m3u8', 'v0/iframes.m3u8']);
  });

  it('resolves against the playlist, to a path from the package root', () => {
    expect(resolveInPackage('v0/index.m3u8', 'seg_1.ts')).toBe('v0/seg_1.ts');
    expect(resolveInPackage('v0/index.m3u8', '../../film.keys/key-0.key')).toBe('../film.keys/key-0.key');
    expect(resolveInPackage('v0/index.m3u8', 'seg%201.ts?x=1#t')).toBe('v0/seg 1.ts');
    expect(resolveInPackage('v0/index.m3u8', 'https://keys.example/k')).toBeUndefined();
    expect(resolveInPackage('v0/index.m3u8', '/abs/path.ts')).toBeUndefined();
    expect(resolveInPackage('v0/index.m3u8', 'skd://key-id')).toBeUndefined();
  });

  it('reports what is named but not available', () => {
    const available = new Set(['v0/index.m3u8', 'v0/init.mp4', 'v0/seg_00000.m4s', '../film.keys/key-0.key']);
    expect(missingReferences([{ relPath: 'v0/index.m3u8', text: media }], available)).toEqual([
      { playlist: 'v0/index.m3u8', uri: 'seg_00001.m4s?v=2', resolved: 'v0/seg_00001.m4s' },
    ]);
  });
});
