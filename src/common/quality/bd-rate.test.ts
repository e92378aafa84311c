import { describe, expect, it } from 'vitest';
import { bdRate, overlapPsnr, rateDifferenceAt, type RatePoint } from './bd-rate.js';

const fixed: RatePoint[] = [
  { kbps: 600, psnr: 33.1 },
  { kbps: 1200, psnr: 36.4 },
  { kbps: 2800, psnr: 39.8 },
  { kbps: 5000, psnr: 41.5 },
];

describe('Bjøntegaard delta rate', () => {
  it('identical curves: 0%', () => {
    expect(bdRate(fixed, fixed)).toBeCloseTo(0, 10);
  });

  it('every rate ×0.8 at the same qualities: −20%', () => {
    const cheaper = fixed.map((p) => ({ ...p, kbps: p.kbps * 0.8 }));
    expect(bdRate(fixed, cheaper)).toBeCloseTo(-20, 10);
    // …and the reference needs 25% more than the cheaper curve.
    expect(bdRate(cheaper, fixed)).toBeCloseTo(25, 10);
  });

  it('curves that share no PSNR range: undefined', () => {
    const low = [
      { kbps: 300, psnr: 28 },
      { kbps: 500, psnr: 31 },
    ];
    expect(bdRate(fixed, low)).toBeUndefined();
    expect(overlapPsnr(fixed, low)).toBeUndefined();
  });

  it('fewer than two usable points is no curve: undefined', () => {
    expect(bdRate(fixed, [{ kbps: 1000, psnr: 37 }])).toBeUndefined();
    expect(
      bdRate(fixed, [
        { kbps: 1000, psnr: 37 },
        { kbps: 0, psnr: 40 },
      ]),
    ).toBeUndefined();
  });

  it('by hand, parallel lines: 2 dB better at every rate over a 10 dB per 4x slope is 4^−0.2 − 1', () => {
    // log2 rate = log2 1000 + (q − 30)/5 for the reference, (q − 32)/5 for the test: a constant −0.4
    // over the overlap 32…40 dB, so the test spends 2^−0.4 = 0.7579 of the bits: −24.21%.
    const reference = [
      { kbps: 1000, psnr: 30 },
      { kbps: 4000, psnr: 40 },
    ];
    const test = [
      { kbps: 1000, psnr: 32 },
      { kbps: 4000, psnr: 42 },
    ];
    expect(overlapPsnr(reference, test)).toEqual({ min: 32, max: 40 });
    expect(bdRate(reference, test)).toBeCloseTo(-24.21, 2);
  });

  it('by hand, different slopes: the log-rate gap averaged over the overlap, not the rates', () => {
    // From 30 to 40 dB the reference goes 1000 → 4000 kb/s, the test 1000 → 2000. The log2 gap grows
    // linearly from 0 to −1; its mean is −0.5, so the test spends 2^−0.5 = 0.7071 of the bits: −29.29%.
    const reference = [
      { kbps: 1000, psnr: 30 },
      { kbps: 4000, psnr: 40 },
    ];
    const test = [
      { kbps: 1000, psnr: 30 },
      { kbps: 1414.2, psnr: 35 },
      { kbps: 2000, psnr: 40 },
    ];
    expect(bdRate(reference, test)).toBeCloseTo(-29.29, 2);
  });

  it('only the overlap counts: a test curve reaching higher quality is compared where both reach', () => {
    const test = [...fixed.slice(0, 2).map((p) => ({ ...p, kbps: p.kbps * 0.8 })), { kbps: 9000, psnr: 47 }];
    expect(overlapPsnr(fixed, test)).toEqual({ min: 33.1, max: 41.5 });
    const value = bdRate(fixed, test)!;
    expect(value).toBeGreaterThan(-40);
    expect(value).toBeLessThan(0);
  });

  it('does not depend on the order of the points; a rung at a repeated PSNR keeps the cheaper rate', () => {
    const shuffled = [fixed[2]!, fixed[0]!, fixed[3]!, fixed[1]!, { kbps: 1500, psnr: 36.4 }];
    expect(bdRate(fixed, shuffled)).toBeCloseTo(0, 10);
  });

  it('one rung against a curve: its rate against the curve’s at the same PSNR; outside the range, undefined', () => {
    // On the reference's knot at 36.4 dB (1200 kb/s), 900 kb/s is 25% fewer bits.
    expect(rateDifferenceAt(fixed, { kbps: 900, psnr: 36.4 })).toBeCloseTo(-25, 10);
    expect(rateDifferenceAt(fixed, { kbps: 600, psnr: 33.1 })).toBeCloseTo(0, 10);
    // Halfway in log rate between two knots of a straight (log) line: 1000 → 4000 at 30 → 40 dB.
    const line = [
      { kbps: 1000, psnr: 30 },
      { kbps: 4000, psnr: 40 },
    ];
    expect(rateDifferenceAt(line, { kbps: 2000, psnr: 35 })).toBeCloseTo(0, 10);
    expect(rateDifferenceAt(line, { kbps: 1000, psnr: 35 })).toBeCloseTo(-50, 10);
    expect(rateDifferenceAt(fixed, { kbps: 500, psnr: 50 })).toBeUndefined();
  });
});
