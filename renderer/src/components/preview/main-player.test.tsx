// @vitest-environment jsdom
import { act, cleanup, fireEvent, screen } from '@testing-library/react';
import { createRef } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { renderWithMantine } from '../../test-setup';
import { MainPlayer } from './main-player';
import type { StoryboardFrame } from './storyboard';

afterEach(cleanup);

const frames: StoryboardFrame[] = [0, 5, 10].map((start, i) => ({
  start,
  end: start + 5,
  sprite: 'http://x/storyboard/sprite_000.jpg',
  x: i * 160,
  y: 0,
  width: 160,
  height: 90,
}));

/** The player around a <video> whose clock the test sets (jsdom plays nothing). */
function renderPlayer() {
  const video = createRef<HTMLVideoElement>();
  renderWithMantine(<MainPlayer video={video} frames={frames} />);
  const element = video.current!;
  const clock = { currentTime: 0, duration: 30 };
  Object.defineProperty(element, 'currentTime', {
    get: () => clock.currentTime,
    set: (t: number) => (clock.currentTime = t),
  });
  Object.defineProperty(element, 'duration', { get: () => clock.duration });
  const tick = (t: number) => {
    clock.currentTime = t;
    act(() => void element.dispatchEvent(new Event('timeupdate')));
  };
  return { element, clock, tick };
}

describe('MainPlayer', () => {
  it('has one scrub control: no native controls on the <video>, one slider', () => {
    const { element } = renderPlayer();
    expect(element.controls).toBe(false);
    expect(screen.getAllByRole('slider')).toHaveLength(1);
  });

  it('moves its scrub bar and clock with playback (timeupdate)', () => {
    const { tick } = renderPlayer();
    tick(12.4);
    expect(screen.getByRole('slider').getAttribute('aria-valuenow')).toBe('12.4');
    expect(screen.getByTestId('preview-time').textContent).toBe('0:12 / 0:30');
  });

  it('seeks the <video> from the keyboard', () => {
    const { clock, tick } = renderPlayer();
    tick(12);
    fireEvent.keyDown(screen.getByRole('slider'), { key: 'ArrowRight' });
    expect(clock.currentTime).toBe(17);
  });

  it('shows the storyboard tile of the hovered time at the pointer, kept inside the picture', () => {
    const { tick } = renderPlayer();
    tick(1);
    const bar = screen.getByRole('slider');
    bar.getBoundingClientRect = () => ({ left: 0, width: 600, right: 600, top: 300, bottom: 320 }) as DOMRect;
    const stage = screen.getByTestId('preview-video').parentElement!;
    stage.getBoundingClientRect = () => ({ left: 0, width: 640, right: 640, top: 0, bottom: 360 }) as DOMRect;
    fireEvent(bar, new MouseEvent('pointermove', { clientX: 300, clientY: 310, bubbles: true }));
    const hover = screen.getByTestId('scrub-hover');
    expect(hover.style.left).toBe('300px');
    expect(screen.getByTestId('scrub-hover-time').textContent).toBe('0:15');
    expect(screen.getByTestId('storyboard-thumbnail').style.backgroundPosition).toBe('-320px 0px');
    // Near the left edge: the 164 px wide thumbnail stops at the picture's edge.
    fireEvent(bar, new MouseEvent('pointermove', { clientX: 10, clientY: 310, bubbles: true }));
    expect(hover.style.left).toBe('82px');
    expect(screen.getByTestId('scrub-hover-time').textContent).toBe('0:00');
  });
});
