import { describe, expect, it } from 'vitest';
import { capFrameRate, nominalFrameRate } from './frame-rate.js';

const r = (num: number, den = 1) => ({ num, den });

describe('nominalFrameRate', () => {
  it('keeps an exact constant rate (59.94 stays 60000/1001)', () => {
    expect(nominalFrameRate(r(60000, 1001), r(60000, 1001))).toEqual({ nominal: r(60000, 1001), vfr: false });
  });
  it('flags VFR when r and avg differ by more than 1% and snaps up to a standard rate', () => {
    expect(nominalFrameRate(r(30000, 1001), r(28.03 * 100, 100))).toEqual({
      nominal: r(30000, 1001),
      vfr: true,
    });
  });
  it('ignores implausible rates from container time bases', () => {
    expect(nominalFrameRate(r(25), r(1000))).toEqual({ nominal: r(25), vfr: false });
  });
  it('has no answer when neither rate is usable', () => {
    expect(nominalFrameRate(undefined, r(0, 1))).toBeUndefined();
  });
});

describe('capFrameRate (Apple HLS 1.25: low rungs <= 30 fps)', () => {
  it('halves 59.94 to 29.97 and 50 to 25, evenly', () => {
    expect(capFrameRate(r(60000, 1001), 30)).toEqual(r(30000, 1001));
    expect(capFrameRate(r(50), 30)).toEqual(r(25));
  });
  it('divides 120 by 4', () => {
    expect(capFrameRate(r(120), 30)).toEqual(r(30));
  });
  it('leaves rates at or under the cap alone (29.97 under 30)', () => {
    expect(capFrameRate(r(30000, 1001), 30)).toEqual(r(30000, 1001));
    expect(capFrameRate(r(30), 30)).toEqual(r(30));
  });
});
