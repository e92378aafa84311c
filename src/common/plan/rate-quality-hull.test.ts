import { describe, expect, it } from 'vitest';
import {
  bestResolutionAt,
  curveQualityAt,
  curvesByResolution,
  EXTRAPOLATE_BELOW_RATIO,
  MIN_EXTRAPOLATED_DB_PER_DOUBLING,
  type ProbePoint,
} from './rate-quality-hull.js';

const at = (width: number, height: number, rows: [number, number, number][]): ProbePoint[] =>
  rows.map(([crf, kbps, psnr]) => ({ width, height, crf, kbps, psnr }));

/**
 * Recorded: per-title-analysis.test.ts's 640x360 4 s testsrc2 clip, probes at 180p, 270p and 360p (CRF
 * 20, 26, 32), PSNR at 360p. The real rungs (ultrafast, capped VBR) measured at 300 kb/s: 180p 33.08,
 * 270p 34.03, 360p 35.65 dB; at 670 kb/s: 270p 35.38, 360p 40.66 dB.
 */
const TINY_CLIP = [
  ...at(320, 180, [
    [20, 792.49, 33.4],
    [26, 480.04, 33.25],
    [32, 246.52, 32.76],
  ]),
  ...at(480, 270, [
    [20, 1793.79, 36.06],
    [26, 1100.89, 35.78],
    [32, 581.99, 35.02],
  ]),
  ...at(640, 360, [
    [20, 2217.8, 53.65],
    [26, 1549.02, 47.98],
    [32, 965.03, 42.91],
  ]),
];

describe('a resolution’s curve', () => {
  const [, p270, p360] = curvesByResolution(TINY_CLIP);

  it('is read linearly in log rate between its probes', () => {
    expect(curveQualityAt(p270!, 581.99)).toBeCloseTo(35.02, 6);
    expect(curveQualityAt(p270!, Math.sqrt(581.99 * 1100.89))).toBeCloseTo((35.02 + 35.78) / 2, 6);
    expect(curveQualityAt(p270!, 1793.79)).toBeCloseTo(36.06, 6);
  });

  it('is not read above its dearest probe', () => {
    expect(curveQualityAt(p270!, 1800)).toBeUndefined();
  });

  it('below its cheapest probe loses its steepest measured slope per halving of bits', () => {
    // 360p: 42.91 → 47.98 → 53.65 dB; the steeper step is the upper one, 10.9 dB per doubling.
    const steepest = (53.65 - 47.98) / Math.log2(2217.8 / 1549.02);
    expect(curveQualityAt(p360!, 965.03 / 1.5)).toBeCloseTo(42.91 - steepest * Math.log2(1.5), 6);
    // Pessimistic: the real 360p rung at 670 kb/s measured 40.66 dB.
    expect(curveQualityAt(p360!, 670)).toBeLessThan(40.66);
  });

  it('…and at least MIN_EXTRAPOLATED_DB_PER_DOUBLING where its probes are flatter', () => {
    // 270p gains 0.76 and 0.28 dB per step: read below, it loses 1 dB per halving.
    expect(curveQualityAt(p270!, 581.99 / 2)).toBeCloseTo(35.02 - MIN_EXTRAPOLATED_DB_PER_DOUBLING, 6);
  });

  it(`is read at most ${EXTRAPOLATE_BELOW_RATIO}x below its cheapest probe`, () => {
    expect(curveQualityAt(p360!, 965.03 / EXTRAPOLATE_BELOW_RATIO)).toBeDefined();
    expect(curveQualityAt(p360!, 965.03 / EXTRAPOLATE_BELOW_RATIO - 1)).toBeUndefined();
  });

  it('of one probe has no slope, so it is not read below it', () => {
    const one = at(640, 360, [[26, 1000, 40]]);
    expect(curveQualityAt(one, 1000)).toBe(40);
    expect(curveQualityAt(one, 900)).toBeUndefined();
  });
});

describe('the best resolution at a rate', () => {
  it('regression: a size a little below its cheapest probe still competes (tiny clip: not 180p at 300 kb/s)', () => {
    // Before: only sizes probed at 300 kb/s counted, so 180p (measured 33.08 dB) beat 270p (34.03).
    expect(bestResolutionAt(TINY_CLIP, 300)).toMatchObject({ width: 480, height: 270 });
    // …and 360p at 670 kb/s (measured 40.66 dB) over 270p (35.38).
    expect(bestResolutionAt(TINY_CLIP, 670)).toMatchObject({ width: 640, height: 360 });
  });

  it('below every curve’s reach, the smallest size; above every curve, the largest', () => {
    expect(bestResolutionAt(TINY_CLIP, 100).height).toBe(180);
    expect(bestResolutionAt(TINY_CLIP, 5000).height).toBe(360);
  });
});
