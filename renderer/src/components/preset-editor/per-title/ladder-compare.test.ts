import { describe, expect, it } from 'vitest';
import { compareLadders, moveRung, predictPsnr } from './ladder-compare';
import { TEST_ANALYSIS } from './test-analysis';

const FIXED = [
  { width: 1280, height: 720, bitrateKbps: 2000 },
  { width: 640, height: 360, bitrateKbps: 400, maxFrameRate: 30 },
];

describe('the fixed and per-title ladders compared', () => {
  it('a rung’s PSNR is read on its own resolution’s curve, linear in log rate between probes', () => {
    // 720p: 40.5 dB at 1200 kb/s, 43 at 2400 — 2000 kb/s is log2(2000/1200) = 0.737 of that doubling.
    expect(predictPsnr(TEST_ANALYSIS.points, FIXED[0]!).psnr).toBeCloseTo(
      40.5 + 2.5 * Math.log2(2000 / 1200),
      2,
    );
    // The same rate at 360p is worth less: that size's own curve, not the best of all sizes.
    expect(predictPsnr(TEST_ANALYSIS.points, { width: 640, height: 360, bitrateKbps: 900 })).toEqual({
      psnr: 40,
    });
    expect(
      predictPsnr(TEST_ANALYSIS.points, { width: 1280, height: 720, bitrateKbps: 900 }).psnr,
    ).toBeCloseTo(37.5 + 3 * Math.log2(900 / 600), 2);
    // Beyond the probed rates the curve is flat (no extrapolation), and says the value is only a bound.
    expect(predictPsnr(TEST_ANALYSIS.points, { width: 1280, height: 720, bitrateKbps: 8000 })).toEqual({
      psnr: 43,
      beyond: 'above',
    });
    // Up to 2x below its cheapest probe, a size is read as the engine picks rungs: along its steepest
    // measured slope (720p: 3 dB per doubling from 600 to 1200 kb/s), so a moved rung's figure moves.
    expect(predictPsnr(TEST_ANALYSIS.points, { width: 1280, height: 720, bitrateKbps: 300 })).toEqual({
      psnr: 34.5,
      beyond: 'extrapolated',
    });
    expect(
      predictPsnr(TEST_ANALYSIS.points, { width: 1280, height: 720, bitrateKbps: 450 }).psnr,
    ).toBeCloseTo(37.5 - 3 * Math.log2(600 / 450), 1);
    // Further down nothing is guessed: the cheapest probe's value, as an upper bound.
    expect(predictPsnr(TEST_ANALYSIS.points, { width: 1280, height: 720, bitrateKbps: 200 })).toEqual({
      psnr: 37.5,
      beyond: 'below',
    });
  });

  it('an unprobed size is read on the hull of every probe', () => {
    // Around 1.2 Mb/s the hull runs from 360p's 900 kb/s point straight to 720p's 2400 one (720p's own
    // 1200 kb/s point lies under that chord), above what either size's own curve gives there.
    const hull = 40 + (3 * Math.log2(1200 / 900)) / Math.log2(2400 / 900);
    const unprobed = predictPsnr(TEST_ANALYSIS.points, { width: 960, height: 540, bitrateKbps: 1200 });
    expect(unprobed.psnr).toBeCloseTo(hull, 2);
    expect(unprobed.beyond).toBeUndefined();
    expect(hull).toBeGreaterThan(40.5);
  });

  it('package size is the sum of rates × the source’s length; the change is per-title against fixed', () => {
    const c = compareLadders(TEST_ANALYSIS, FIXED, TEST_ANALYSIS.rungs);
    expect(c.fixed.totalKbps).toBe(2400);
    expect(c.auto.totalKbps).toBe(1500);
    expect(c.fixed.bytes).toBe((2400 * 1000 * 60) / 8);
    expect(c.auto.bytes).toBe((1500 * 1000 * 60) / 8);
    expect(c.sizeChange).toBeCloseTo(-0.375, 6);
    expect(c.costPerSourceSec).toBeCloseTo(0.1, 6);
    // Lowest first on both sides: the fixed ladder by rate, whatever the preset's order.
    expect(c.fixed.rungs.map((r) => r.rung.bitrateKbps)).toEqual([400, 2000]);
  });

  it('a moved rung keeps its place and its peak ratio', () => {
    const rungs = [
      { width: 640, height: 360, bitrateKbps: 400, maxBitrateKbps: 600 },
      TEST_ANALYSIS.rungs[1]!,
    ];
    const moved = moveRung(rungs, 0, 3000);
    expect(moved[0]).toMatchObject({ bitrateKbps: 3000, maxBitrateKbps: 4500 });
    expect(moved[1]).toBe(rungs[1]);
    const c = compareLadders(TEST_ANALYSIS, FIXED, moved);
    expect(c.auto.rungs.map((r) => r.rung.bitrateKbps)).toEqual([3000, 1100]);
  });
});
