import type { EncodePlan } from './encode-plan.js';

/**
 * One window of a chunked encode (issue 16): a whole number of segments of the film, starting on a
 * segment boundary, so on a forced keyframe of every rung. The last window takes the remainder.
 */
export interface ChunkWindow {
  index: number;
  /** Seconds from the start of the film (of the excerpt, for an excerpt). */
  startSec: number;
  /** The window's length; the last one runs to the end of the film. */
  durationSec: number;
  /** The package-wide number of the window's first segment (`seg_<firstSegment>.ts`). */
  firstSegment: number;
  /** Whole segments in the window (the last window adds the film's final, shorter one, if any). */
  segmentCount: number;
}

/**
 * Splits a film of `durationSec` into at most `chunks` windows of whole segments. Never more windows
 * than whole segments; the segments are shared out evenly, the first windows taking one more when they
 * do not divide, and the last window also takes the film's final partial segment.
 */
export function planChunkWindows(
  durationSec: number,
  segmentDurationSec: number,
  chunks: number,
): ChunkWindow[] {
  // A hair under a whole number of segments is that number (as livePackage counts them).
  const whole = Math.max(1, Math.floor(durationSec / segmentDurationSec + 1e-6));
  const n = Math.max(1, Math.min(Math.floor(chunks), whole));
  const base = Math.floor(whole / n);
  const extra = whole % n;
  const windows: ChunkWindow[] = [];
  let first = 0;
  for (let index = 0; index < n; index++) {
    const segmentCount = base + (index < extra ? 1 : 0);
    const startSec = first * segmentDurationSec;
    const last = index === n - 1;
    windows.push({
      index,
      startSec,
      durationSec: last ? Math.max(0, durationSec - startSec) : segmentCount * segmentDurationSec,
      firstSegment: first,
      segmentCount,
    });
    first += segmentCount;
  }
  return windows;
}

/** The windows of a plan: over its excerpt when it has one, else over the whole source. */
export function planChunks(plan: EncodePlan, chunks: number): ChunkWindow[] {
  return planChunkWindows(plan.durationSec, plan.segmentDurationSec, chunks);
}

/**
 * The plan one chunk encodes: every rung of the video and the image frames that fall in its window
 * (image-args.ts picks them on the film's timeline; the stitch joins them), nothing else, over the
 * window only (nested inside an excerpt's window). The last window reads to the plan's end: the excerpt's, or the
 * source's cap (video end + 1 s), or the end of the file.
 */
export function chunkPlan(
  plan: EncodePlan,
  window: ChunkWindow,
  windows: readonly ChunkWindow[],
): EncodePlan {
  const last = window.index === windows.length - 1;
  const offset = plan.inputWindow?.startSec ?? 0;
  const end = plan.inputWindow
    ? plan.inputWindow.durationSec
    : // No cap: read to the end of the file (a duration guessed from the bit rate may be short).
      (plan.durationCapSec ?? plan.durationSec * 2 + 60);
  return {
    ...plan,
    inputWindow: {
      startSec: offset + window.startSec,
      durationSec: last ? Math.max(0, end - window.startSec) : window.durationSec,
    },
    durationCapSec: undefined,
    durationSec: window.durationSec,
    audio: [],
    subtitles: [],
    encryption: undefined,
  };
}

/**
 * The film-long part of a chunked encode: every audio rendition (AAC priming at each chunk join would
 * click; docs/chunked-encoding.md), decoded once over the whole film; no picture is decoded. Undefined
 * when the film has no audio.
 */
export function filmTrackPlan(plan: EncodePlan): EncodePlan | undefined {
  if (plan.audio.length === 0) return undefined;
  return { ...plan, video: undefined, images: undefined, subtitles: [], encryption: undefined };
}
