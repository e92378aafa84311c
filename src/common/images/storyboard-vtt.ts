import { formatVttTime } from '../subtitles/webvtt.js';

export interface StoryboardLayout {
  intervalSec: number;
  tileWidth: number;
  tileHeight: number;
  columns: number;
  rows: number;
}

/**
 * The WebVTT thumbnails track players use for scrub previews (Video.js, JW Player, Vidstack, Mux):
 * one cue per thumbnail, pointing into its sprite sheet with a media fragment `#xywh=x,y,w,h`.
 * Thumbnail i shows time i*interval (ffmpeg's fps=1/N starts at 0) and covers until the next one.
 */
export function storyboardVtt(
  layout: StoryboardLayout,
  durationSec: number,
  spriteName: (sheet: number) => string,
): string {
  const perSheet = layout.columns * layout.rows;
  const count = Math.max(1, Math.ceil(durationSec / layout.intervalSec - 1e-9));
  const cues: string[] = [];
  for (let i = 0; i < count; i++) {
    const start = i * layout.intervalSec;
    const end = Math.min((i + 1) * layout.intervalSec, durationSec);
    if (end <= start) break;
    const sheet = Math.floor(i / perSheet);
    const cell = i % perSheet;
    const x = (cell % layout.columns) * layout.tileWidth;
    const y = Math.floor(cell / layout.columns) * layout.tileHeight;
    cues.push(
      `${formatVttTime(start)} --> ${formatVttTime(end)}\n${spriteName(sheet)}#xywh=${x},${y},${layout.tileWidth},${layout.tileHeight}`,
    );
  }
  return `WEBVTT\n\n${cues.join('\n\n')}\n`;
}

/** How many sprite sheets ffmpeg's tile filter writes for a duration. */
export function storyboardSheetCount(layout: StoryboardLayout, durationSec: number): number {
  const count = Math.max(1, Math.ceil(durationSec / layout.intervalSec - 1e-9));
  return Math.ceil(count / (layout.columns * layout.rows));
}
