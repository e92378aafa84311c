import { describe, expect, it } from 'vitest';
import { clockTime, keySeekTarget, overlayCentre, timeAtPointer } from './scrub-math';

describe('timeAtPointer', () => {
  it('maps the pointer along the bar onto the timeline, clamped to its ends', () => {
    expect(timeAtPointer(150, 100, 200, 10)).toBe(2.5);
    expect(timeAtPointer(50, 100, 200, 10)).toBe(0);
    expect(timeAtPointer(400, 100, 200, 10)).toBe(10);
    expect(timeAtPointer(150, 100, 0, 10)).toBe(0);
  });
});

describe('overlayCentre', () => {
  it('centres on the pointer away from the edges', () => {
    expect(overlayCentre(300, 164, 800)).toBe(300);
  });
  it('keeps the overlay inside the box at either edge', () => {
    expect(overlayCentre(10, 164, 800)).toBe(82);
    expect(overlayCentre(795, 164, 800)).toBe(718);
  });
  it('centres an overlay wider than the box', () => {
    expect(overlayCentre(10, 300, 200)).toBe(100);
  });
});

describe('keySeekTarget', () => {
  it('steps 5 s with the arrows, a tenth with Page Up/Down, to the ends with Home/End', () => {
    expect(keySeekTarget('ArrowRight', 3, 30)).toBe(8);
    expect(keySeekTarget('ArrowLeft', 3, 30)).toBe(0);
    expect(keySeekTarget('PageUp', 3, 30)).toBe(6);
    expect(keySeekTarget('End', 3, 30)).toBe(30);
    expect(keySeekTarget('Home', 3, 30)).toBe(0);
    expect(keySeekTarget('ArrowRight', 28, 30)).toBe(30);
    expect(keySeekTarget('a', 3, 30)).toBeUndefined();
  });
});

describe('clockTime', () => {
  it('writes m:ss of the whole seconds reached', () => {
    expect(clockTime(7.9)).toBe('0:07');
    expect(clockTime(75)).toBe('1:15');
    expect(clockTime(-1)).toBe('0:00');
  });
});
