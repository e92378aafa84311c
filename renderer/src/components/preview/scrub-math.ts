import { duration } from '../format';

/** The time under a pointer at `clientX` on a bar spanning `left`..`left + width`. */
export function timeAtPointer(clientX: number, left: number, width: number, totalSec: number): number {
  if (width <= 0 || totalSec <= 0) return 0;
  return Math.min(1, Math.max(0, (clientX - left) / width)) * totalSec;
}

/**
 * Where an overlay of `width` centred on the pointer goes, as the x of its centre inside a box of
 * `boxWidth`: at the pointer, but never past either edge of the box.
 */
export function overlayCentre(pointerX: number, width: number, boxWidth: number): number {
  const half = width / 2;
  if (boxWidth <= width) return boxWidth / 2;
  return Math.min(boxWidth - half, Math.max(half, pointerX));
}

/** Seconds a key moves the scrub bar (YouTube's steps: arrows 5 s, Page Up/Down a tenth); undefined: not ours. */
export function keySeekTarget(key: string, now: number, totalSec: number): number | undefined {
  const tenth = totalSec / 10;
  const target: Record<string, number> = {
    ArrowLeft: now - 5,
    ArrowDown: now - 5,
    ArrowRight: now + 5,
    ArrowUp: now + 5,
    PageDown: now - tenth,
    PageUp: now + tenth,
    Home: 0,
    End: totalSec,
  };
  const to = target[key];
  return to === undefined ? undefined : Math.min(totalSec, Math.max(0, to));
}

/** A player's clock: whole seconds, m:ss (7.9 s is still "0:07" until 8 s is reached). */
export function clockTime(seconds: number): string {
  return duration(Math.floor(Math.max(0, seconds)));
}
