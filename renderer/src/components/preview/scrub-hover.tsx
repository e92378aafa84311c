import type { RefObject } from 'react';
import type { ScrubHoverAt } from './scrub-bar';
import { clockTime, overlayCentre } from './scrub-math';
import { frameAt, type StoryboardFrame } from './storyboard';

/** Width of the time chip alone (no storyboard): enough for "00:00". */
const TIME_ONLY_WIDTH = 56;
/** The thumbnail's border, each side (player.css `.scrub-hover-thumb`). */
const BORDER = 2;

/**
 * The storyboard thumbnail of the time under the pointer, with that time under it: laid over the
 * bottom of the picture at the pointer, kept inside the player, and moving nothing else on the page.
 */
export function ScrubHover(props: {
  at: ScrubHoverAt | undefined;
  frames: StoryboardFrame[];
  stage: RefObject<HTMLElement | null>;
}) {
  const { at, frames, stage } = props;
  if (!at || !stage.current) return null;
  const box = stage.current.getBoundingClientRect();
  const frame = frameAt(frames, at.time);
  const width = frame ? frame.width + 2 * BORDER : TIME_ONLY_WIDTH;
  return (
    <div
      className="scrub-hover"
      data-testid="scrub-hover"
      style={{ left: overlayCentre(at.clientX - box.left, width, box.width) }}
    >
      {frame && (
        <div
          className="scrub-hover-thumb"
          data-testid="storyboard-thumbnail"
          style={{
            width: frame.width,
            height: frame.height,
            backgroundImage: `url(${frame.sprite})`,
            backgroundPosition: `${-frame.x}px ${-frame.y}px`,
          }}
        />
      )}
      <div className="scrub-hover-time" data-testid="scrub-hover-time">
        {clockTime(at.time)}
      </div>
    </div>
  );
}
