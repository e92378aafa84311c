import HLS from 'hls-parser';

/** Where each segment of a rung starts on the timeline, and where the last one ends. */
export interface SegmentTimeline {
  starts: number[];
  endSec: number;
}

/** The timeline of a media playlist, from its EXTINFs; undefined for anything else. */
export function timelineFromPlaylist(text: string): SegmentTimeline | undefined {
  let playlist: ReturnType<typeof HLS.parse>;
  try {
    playlist = HLS.parse(text);
  } catch {
    return undefined;
  }
  if (playlist.isMasterPlaylist || playlist.segments.length === 0) return undefined;
  const starts: number[] = [];
  let at = 0;
  for (const segment of playlist.segments) {
    starts.push(at);
    at += segment.duration;
  }
  return { starts, endSec: at };
}

/** When the playlist cannot be read: `count` equal segments over the package's duration. */
export function evenTimeline(count: number, durationSec: number): SegmentTimeline {
  return { starts: Array.from({ length: count }, (_, i) => (i * durationSec) / count), endSec: durationSec };
}
