import { describe, expect, it } from 'vitest';
import { storyboardVtt } from '../../../../src/common/images/storyboard-vtt';
import { parseVtt } from '../../../../src/common/subtitles/webvtt';
import { frameAt, storyboardFrames } from './storyboard';

const VTT_URL = 'http://127.0.0.1:4000/p/a1/storyboard/storyboard.vtt';
// The very file the packager writes: 12 s at one thumbnail every 5 s, 2 columns.
const vtt = storyboardVtt(
  { intervalSec: 5, tileWidth: 160, tileHeight: 90, columns: 2, rows: 1 },
  12,
  (sheet) => `sprite_${String(sheet).padStart(3, '0')}.jpg`,
);
const frames = storyboardFrames(parseVtt(vtt), VTT_URL);

describe('storyboardFrames', () => {
  it("reads each cue's sprite, resolved against the VTT, and its tile", () => {
    expect(frames).toHaveLength(3);
    expect(frames[1]).toEqual({
      start: 5,
      end: 10,
      sprite: 'http://127.0.0.1:4000/p/a1/storyboard/sprite_000.jpg',
      x: 160,
      y: 0,
      width: 160,
      height: 90,
    });
    expect(frames[2]!.sprite).toMatch(/sprite_001\.jpg$/);
  });
  it('skips a cue without a tile', () => {
    expect(storyboardFrames([{ start: 0, end: 1, settings: '', text: 'a.jpg' }], VTT_URL)).toEqual([]);
  });
});

describe('frameAt', () => {
  it('finds the thumbnail of a time, and the last one past the end', () => {
    expect(frameAt(frames, 0)?.x).toBe(0);
    expect(frameAt(frames, 7.5)?.x).toBe(160);
    expect(frameAt(frames, 11)?.start).toBe(10);
    expect(frameAt(frames, 12.2)?.start).toBe(10);
    expect(frameAt([], 3)).toBeUndefined();
  });
});
