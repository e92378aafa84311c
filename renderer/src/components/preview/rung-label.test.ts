import { describe, expect, it } from 'vitest';
import { abStartRungs, rungLabel, rungName } from './rung-label';

describe('rung labels', () => {
  it('count rungs from 1, as the preset editor does', () => {
    expect(rungName(0)).toBe('rung 1');
    expect(rungLabel(2, { width: 1280, height: 720, bitrate: 3_000_000 })).toBe('3 · 1280x720 · 3.00 Mb/s');
    expect(rungLabel(0, { width: 640, height: 360, bitrate: 650_000 })).toBe('1 · 640x360 · 650 kb/s');
  });
});

describe('abStartRungs', () => {
  it('puts A on the top rung when it was on Auto, and B on the one below', () => {
    expect(abStartRungs(4, -1)).toEqual({ a: 3, b: 2 });
  });
  it('keeps a rung A was pinned to, and B goes one down, or one up from the lowest', () => {
    expect(abStartRungs(4, 2)).toEqual({ a: 2, b: 1 });
    expect(abStartRungs(4, 0)).toEqual({ a: 0, b: 1 });
    expect(abStartRungs(2, -1)).toEqual({ a: 1, b: 0 });
  });
  it('has nothing else to offer with a single rung', () => {
    expect(abStartRungs(1, -1)).toEqual({ a: 0, b: 0 });
  });
});
