import { describe, expect, it } from 'vitest';
import { capFrameRate, frameRateFromTimestamps, nominalFrameRate } from './frame-rate.js';

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
  it('ignores a cap that is not a positive number (0, NaN, negative: still being typed)', () => {
    for (const cap of [0, NaN, -2]) expect(capFrameRate(r(30), cap)).toEqual(r(30));
  });
});

describe('nominalFrameRate with sampled packet timing', () => {
  it("a Pixel's 179/6 (29.83) is within 1% of 29.97 and snaps to it", () => {
    expect(nominalFrameRate(r(179, 6), r(2987, 100))).toEqual({ nominal: r(30000, 1001), vfr: false });
  });
  it('keeps an unusual constant rate that is no standard rate (15 fps)', () => {
    expect(nominalFrameRate(r(15), r(15))).toEqual({ nominal: r(15), vfr: false });
  });
  it('an r_frame_rate twice the sampled rate (MKV 60 for a 30 fps picture) gives way to the samples', () => {
    expect(nominalFrameRate(r(60), r(1000), 29.98)).toEqual({ nominal: r(30000, 1001), vfr: false });
  });
  it('a plausible r that agrees with the samples is kept', () => {
    expect(nominalFrameRate(r(60), r(60), 59.9)).toEqual({ nominal: r(60), vfr: false });
  });
});

describe('frameRateFromTimestamps', () => {
  it('measures 29.97 from out-of-order millisecond timestamps (MKV with B-frames)', () => {
    const pts = Array.from({ length: 60 }, (_, i) => Math.round((i * 1001) / 30) / 1000);
    const shuffled = [pts[0]!, pts[3]!, pts[1]!, pts[2]!, ...pts.slice(4)];
    expect(frameRateFromTimestamps(shuffled)).toBeCloseTo(29.97, 1);
  });
  it('needs at least 10 timestamps', () => {
    expect(frameRateFromTimestamps([0, 0.04, 0.08])).toBeUndefined();
  });
});
