import { bitrate } from '../format';

/** A rung of the package as hls.js lists it: lowest first (hls.js sorts levels by height, then rate). */
export interface Rung {
  width: number;
  height: number;
  bitrate: number;
}

/** "rung 2": counted from 1, lowest first, as the preset editor counts a ladder's rungs. */
export function rungName(index: number): string {
  return `rung ${index + 1}`;
}

/** A menu entry: "2 · 854x480 · 1.20 Mb/s". */
export function rungLabel(index: number, rung: Rung): string {
  return `${index + 1} · ${rung.width}x${rung.height} · ${bitrate(rung.bitrate)}`;
}

/**
 * Where A/B starts: A stays on its rung (the top one if it was on Auto), B on the next one down, or the
 * next one up when A is the lowest. Two rungs are compared from the first frame, never one with itself.
 */
export function abStartRungs(count: number, selected: number): { a: number; b: number } {
  const a = selected >= 0 && selected < count ? selected : Math.max(0, count - 1);
  const b = a > 0 ? a - 1 : Math.min(1, count - 1);
  return { a, b };
}
