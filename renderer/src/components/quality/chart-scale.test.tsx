import { describe, expect, it } from 'vitest';
import { linearScale, niceTicks, paddedDomain } from './chart-scale';

describe('linearScale', () => {
  it('maps the domain onto the range, upside down too, and back', () => {
    const y = linearScale([30, 40], [200, 0]);
    expect(y(30)).toBe(200);
    expect(y(35)).toBe(100);
    expect(y.invert(50)).toBe(37.5);
  });
  it('survives an empty domain', () => {
    expect(Number.isFinite(linearScale([5, 5], [0, 100])(5))).toBe(true);
  });
});

describe('niceTicks', () => {
  it('steps by 1, 2 or 5 times a power of ten, inside the range', () => {
    expect(niceTicks(31.2, 40.3, 4)).toEqual([32, 34, 36, 38, 40]);
    expect(niceTicks(0, 10, 5)).toEqual([0, 2, 4, 6, 8, 10]);
    expect(niceTicks(0.905, 0.985, 4)).toEqual([0.92, 0.94, 0.96, 0.98]);
  });
  it('gives one tick for a single value', () => {
    expect(niceTicks(3, 3)).toEqual([3]);
  });
});

describe('paddedDomain', () => {
  it('pads by a share of the spread, or of the least spread when the values are one', () => {
    expect(paddedDomain([30, 40], 0.1, 2)).toEqual([29, 41]);
    expect(paddedDomain([35], 0.5, 2)).toEqual([34, 36]);
  });
});
