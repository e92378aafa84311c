/**
 * A playhead stuck just before buffered media: hls.js can leave the playhead in a hole of a few frames
 * after an immediate rung switch (it flushes the buffer, then loads the fragment the playlist places at
 * the playhead, whose first picture comes a B-frame delay later: 4.037 s against 4.067 s). Its own gap
 * handling counts a hole narrower than `maxBufferHole` as buffered and so never seeks over it, and the
 * <video> waits there for good (seen in the live preview e2e, readyState 2, for ten minutes).
 */
export interface PlayheadSample {
  currentTime: number;
  paused: boolean;
  seeking: boolean;
  ended: boolean;
  /** HTMLMediaElement.readyState: below 3 (HAVE_FUTURE_DATA) nothing can play from here. */
  readyState: number;
  buffered: { start: number; end: number }[];
}

/** How long the playhead must have stood still, and how wide a hole may be, before we seek over it. */
export const STALL_BEFORE_SKIP_MS = 2000;
export const MAX_HOLE_SEC = 0.5;

/**
 * Where to seek, or undefined: only a playing element that cannot play (readyState < 3), whose playhead
 * has not moved for `stalledMs` ≥ STALL_BEFORE_SKIP_MS, is outside every buffered range, and has one
 * starting less than MAX_HOLE_SEC ahead. The seek lands a hair inside that range.
 */
export function holeToSkip(sample: PlayheadSample, stalledMs: number): number | undefined {
  if (sample.paused || sample.seeking || sample.ended || sample.readyState >= 3) return undefined;
  if (stalledMs < STALL_BEFORE_SKIP_MS) return undefined;
  const t = sample.currentTime;
  if (sample.buffered.some((r) => r.start <= t && t < r.end)) return undefined;
  const next = sample.buffered.find((r) => r.start > t && r.start - t <= MAX_HOLE_SEC);
  return next ? next.start + 0.01 : undefined;
}
