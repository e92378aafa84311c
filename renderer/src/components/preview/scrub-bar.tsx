import { useRef, useState, type KeyboardEvent, type PointerEvent } from 'react';
import { clockTime, keySeekTarget, timeAtPointer } from './scrub-math';

/** The time under the pointer over the bar (or being dragged to), and the pointer's x on the page. */
export interface ScrubHoverAt {
  time: number;
  clientX: number;
}

/**
 * The preview's one scrub bar (the <video> has no native controls beside it): it follows playback,
 * seeks when clicked, dragged or moved with the keyboard, and reports where the pointer is, so the
 * player can show the storyboard thumbnail of that time.
 */
export function ScrubBar(props: {
  time: number;
  duration: number;
  bufferedEnd: number;
  onSeek: (time: number) => void;
  onHover: (at: ScrubHoverAt | undefined) => void;
}) {
  const { time, duration, bufferedEnd, onSeek, onHover } = props;
  const bar = useRef<HTMLDivElement>(null);
  const [dragTo, setDragTo] = useState<number>();
  const shown = dragTo ?? Math.min(time, duration);
  const at = (clientX: number): ScrubHoverAt => {
    const rect = bar.current!.getBoundingClientRect();
    return { time: timeAtPointer(clientX, rect.left, rect.width, duration), clientX };
  };
  const percent = (t: number) => `${duration > 0 ? (Math.min(t, duration) / duration) * 100 : 0}%`;

  const onPointerDown = (e: PointerEvent<HTMLDivElement>) => {
    if (e.button !== 0 || duration <= 0) return;
    e.currentTarget.setPointerCapture?.(e.pointerId);
    const here = at(e.clientX);
    setDragTo(here.time);
    onHover(here);
  };
  const onPointerMove = (e: PointerEvent<HTMLDivElement>) => {
    if (duration <= 0) return;
    const here = at(e.clientX);
    if (dragTo !== undefined) setDragTo(here.time);
    onHover(here);
  };
  const onPointerUp = (e: PointerEvent<HTMLDivElement>) => {
    if (dragTo === undefined) return;
    onSeek(at(e.clientX).time);
    setDragTo(undefined);
    const rect = bar.current!.getBoundingClientRect();
    const inside =
      e.clientX >= rect.left && e.clientX <= rect.right && e.clientY >= rect.top && e.clientY <= rect.bottom;
    if (!inside) onHover(undefined);
  };
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const to = keySeekTarget(e.key, time, duration);
    if (to === undefined || duration <= 0) return;
    e.preventDefault();
    onSeek(to);
  };

  return (
    <div
      ref={bar}
      className="scrub-bar"
      role="slider"
      tabIndex={0}
      aria-label="Seek"
      aria-valuemin={0}
      aria-valuemax={Number(duration.toFixed(3))}
      aria-valuenow={Number(shown.toFixed(3))}
      aria-valuetext={`${clockTime(shown)} of ${clockTime(duration)}`}
      aria-disabled={duration <= 0 || undefined}
      data-dragging={dragTo !== undefined || undefined}
      data-testid="scrub-bar"
      onPointerDown={onPointerDown}
      onPointerMove={onPointerMove}
      onPointerUp={onPointerUp}
      onPointerCancel={() => setDragTo(undefined)}
      onPointerLeave={() => dragTo === undefined && onHover(undefined)}
      onKeyDown={onKeyDown}
    >
      <div className="scrub-track">
        <div className="scrub-buffered" style={{ width: percent(Math.max(bufferedEnd, shown)) }} />
        <div className="scrub-played" style={{ width: percent(shown) }} />
      </div>
      <div className="scrub-thumb" style={{ left: percent(shown) }} />
    </div>
  );
}
