import { describe, expect, it } from 'vitest';
import { parseVtt } from '../subtitles/webvtt.js';
import { storyboardSheetCount, storyboardVtt } from './storyboard-vtt.js';

const layout = { intervalSec: 5, tileWidth: 160, tileHeight: 90, columns: 2, rows: 2 };
const sprite = (n: number) => `sprite_${n}.jpg`;

describe('storyboardVtt', () => {
  const cues = parseVtt(storyboardVtt(layout, 23, sprite));

  it('one cue per thumbnail, contiguous, covering the whole duration', () => {
    expect(cues).toHaveLength(5);
    expect(cues[0]!.start).toBe(0);
    expect(cues.at(-1)!.end).toBe(23);
    cues.slice(1).forEach((c, i) => expect(c.start).toBe(cues[i]!.end));
  });

  it('walks the grid row by row and moves to the next sheet when one is full', () => {
    expect(cues.map((c) => c.text)).toEqual([
      'sprite_0.jpg#xywh=0,0,160,90',
      'sprite_0.jpg#xywh=160,0,160,90',
      'sprite_0.jpg#xywh=0,90,160,90',
      'sprite_0.jpg#xywh=160,90,160,90',
      'sprite_1.jpg#xywh=0,0,160,90',
    ]);
    expect(storyboardSheetCount(layout, 23)).toBe(2);
  });
});
