// @vitest-environment jsdom
import { cleanup, fireEvent, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { renderWithMantine } from '../../../test-setup';
import { HullChart } from './hull-chart';
import { compareLadders } from './ladder-compare';
import { TEST_ANALYSIS } from './test-analysis';

afterEach(cleanup);

// jsdom has no PointerEvent: without one, testing-library's pointer events carry no clientX.
if (!('PointerEvent' in window))
  Object.assign(window, {
    PointerEvent: class extends MouseEvent {
      readonly pointerId: number;
      constructor(type: string, init: PointerEventInit = {}) {
        super(type, init);
        this.pointerId = init.pointerId ?? 0;
      }
    },
  });

const FIXED = [
  { width: 640, height: 360, bitrateKbps: 400 },
  { width: 1280, height: 720, bitrateKbps: 2000 },
];

function chart() {
  const onMove = vi.fn();
  renderWithMantine(
    <HullChart
      points={TEST_ANALYSIS.points}
      comparison={compareLadders(TEST_ANALYSIS, FIXED, TEST_ANALYSIS.rungs)}
      onMove={onMove}
    />,
  );
  const rungs = screen.getAllByTestId('auto-rung-point');
  return { onMove, rungs };
}

describe('HullChart: moving a per-title rung', () => {
  it('dragging a rung to the right asks for a higher rate, in 50 kb/s steps; letting go ends the drag', () => {
    const { onMove, rungs } = chart();
    const rung = rungs[0]!;
    const before = Number(rung.getAttribute('aria-valuenow'));
    const cx = Number(rung.getAttribute('cx'));
    fireEvent.pointerDown(rung, { clientX: cx, pointerId: 1 });
    fireEvent.pointerMove(rung, { clientX: cx + 60, pointerId: 1 });
    expect(onMove).toHaveBeenCalledTimes(1);
    const [index, kbps] = onMove.mock.calls[0]! as [number, number];
    expect(index).toBe(0);
    expect(kbps).toBeGreaterThan(before);
    expect(kbps % 50).toBe(0);
    expect(document.activeElement).toBe(rung);

    fireEvent.pointerMove(rung, { clientX: cx - 60, pointerId: 1 });
    expect((onMove.mock.calls[1]! as [number, number])[1]).toBeLessThan(before);
    fireEvent.pointerUp(rung, { pointerId: 1 });
    fireEvent.pointerMove(rung, { clientX: cx + 120, pointerId: 1 });
    expect(onMove).toHaveBeenCalledTimes(2);
  });

  it('a move that stays within the same 50 kb/s step asks for nothing; keys still work', () => {
    const { onMove, rungs } = chart();
    const rung = rungs[1]!;
    const cx = Number(rung.getAttribute('cx'));
    fireEvent.pointerDown(rung, { clientX: cx, pointerId: 2 });
    fireEvent.pointerMove(rung, { clientX: cx + 0.2, pointerId: 2 });
    expect(onMove).not.toHaveBeenCalled();
    fireEvent.pointerUp(rung, { pointerId: 2 });
    fireEvent.keyDown(rung, { key: 'ArrowRight' });
    expect(onMove).toHaveBeenCalledWith(1, Number(rung.getAttribute('aria-valuenow')) + 50);
  });
});
