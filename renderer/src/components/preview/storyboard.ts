import type { VttCue } from '../../../../src/common/subtitles/webvtt';

/** One storyboard thumbnail: a tile of a sprite sheet, shown for `start`..`end` of the timeline. */
export interface StoryboardFrame {
  start: number;
  end: number;
  /** The sprite sheet, absolute. */
  sprite: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * The frames of a thumbnails track (see storyboardVtt in src/common/images): each cue names its sprite
 * relative to the VTT file, with the tile as a media fragment `#xywh=x,y,w,h`. Cues without one are skipped.
 */
export function storyboardFrames(cues: VttCue[], vttUrl: string): StoryboardFrame[] {
  return cues.flatMap((cue) => {
    const [file, fragment] = cue.text.trim().split('#xywh=');
    const [x, y, width, height] = (fragment ?? '').split(',').map(Number);
    if (!file || [x, y, width, height].some((n) => n === undefined || !Number.isFinite(n))) return [];
    return [
      {
        start: cue.start,
        end: cue.end,
        sprite: new URL(file, vttUrl).href,
        x: x!,
        y: y!,
        width: width!,
        height: height!,
      },
    ];
  });
}

/** The frame showing at `time`; past the last cue, the last frame (a player's duration may run a little longer). */
export function frameAt(frames: StoryboardFrame[], time: number): StoryboardFrame | undefined {
  const last = frames[frames.length - 1];
  if (last && time >= last.end) return last;
  return frames.find((f) => time >= f.start && time < f.end);
}
