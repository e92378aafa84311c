// @vitest-environment jsdom
import { cleanup, fireEvent, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { renderWithMantine } from '../../test-setup';
import { ScrubBar } from './scrub-bar';

afterEach(cleanup);

/** The bar spans x = 100..300 on the page (jsdom lays nothing out). */
function renderBar(time = 3) {
  const onSeek = vi.fn();
  const onHover = vi.fn();
  const view = renderWithMantine(
    <ScrubBar time={time} duration={10} bufferedEnd={5} onSeek={onSeek} onHover={onHover} />,
  );
  const bar = screen.getByRole('slider', { name: 'Seek' });
  bar.getBoundingClientRect = () => ({ left: 100, width: 200, right: 300, top: 0, bottom: 20 }) as DOMRect;
  // jsdom has no PointerEvent: a MouseEvent of the pointer's type carries clientX to React the same way.
  const pointer = (type: string, clientX: number, clientY = 10) =>
    fireEvent(bar, new MouseEvent(type, { clientX, clientY, bubbles: true, button: 0 }));
  return { bar, onSeek, onHover, pointer, view };
}

describe('ScrubBar', () => {
  it('shows the time it is given, as a slider over the whole duration', () => {
    const { bar } = renderBar(3);
    expect(bar.getAttribute('aria-valuenow')).toBe('3');
    expect(bar.getAttribute('aria-valuemax')).toBe('10');
    expect(bar.getAttribute('aria-valuetext')).toBe('0:03 of 0:10');
  });

  it('reports the time under the pointer while hovering, and nothing once it leaves', () => {
    const { onHover, onSeek, pointer, bar } = renderBar();
    pointer('pointermove', 150);
    expect(onHover).toHaveBeenLastCalledWith({ time: 2.5, clientX: 150 });
    fireEvent(bar, new MouseEvent('pointerout', { bubbles: true, relatedTarget: document.body }));
    expect(onHover).toHaveBeenLastCalledWith(undefined);
    expect(onSeek).not.toHaveBeenCalled();
  });

  it('follows a drag and seeks where it is let go', () => {
    const { onHover, onSeek, pointer, bar } = renderBar(3);
    pointer('pointerdown', 140);
    expect(bar.getAttribute('aria-valuenow')).toBe('2');
    pointer('pointermove', 260);
    expect(bar.getAttribute('aria-valuenow')).toBe('8');
    expect(onHover).toHaveBeenLastCalledWith({ time: 8, clientX: 260 });
    expect(onSeek).not.toHaveBeenCalled();
    pointer('pointerup', 260);
    expect(onSeek).toHaveBeenCalledWith(8);
    // Let go over the bar: the hover preview stays.
    expect(onHover).toHaveBeenLastCalledWith({ time: 8, clientX: 260 });
  });

  it('seeks 5 s with the arrow keys and to the ends with Home and End', () => {
    const { onSeek, bar } = renderBar(3);
    fireEvent.keyDown(bar, { key: 'ArrowRight' });
    expect(onSeek).toHaveBeenLastCalledWith(8);
    fireEvent.keyDown(bar, { key: 'ArrowLeft' });
    expect(onSeek).toHaveBeenLastCalledWith(0);
    fireEvent.keyDown(bar, { key: 'End' });
    expect(onSeek).toHaveBeenLastCalledWith(10);
  });
});
