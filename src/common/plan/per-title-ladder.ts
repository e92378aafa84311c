import type { Rung } from '../presets/preset-schema.js';
import {
  bestResolutionAt,
  curveQualityAt,
  curvesByResolution,
  hullQualityAt,
  rateQualityHull,
  type HullPoint,
  type ProbePoint,
} from './rate-quality-hull.js';

/** What the preset allows an automatic ladder (its own fixed ladder gives the defaults). */
export interface PerTitleBounds {
  minKbps: number;
  maxKbps: number;
  maxRungs: number;
}

/** Gains past this are not seen: the top rung stops where the hull reaches it. */
export const TRANSPARENT_PSNR_DB = 45;
/** Nor is a doubling of bits that buys less than this: the hull has flattened… */
export const FLAT_DB_PER_DOUBLING = 1;
/**
 * …once the picture is good. A hull that is flat and low is not "enough bits" but content PSNR cannot
 * judge (film grain: uncorrelated noise no rung keeps measured 25.8–26.0 dB from 150 kb/s at 360p to
 * 33 Mb/s at 1080p); it gets the preset's top rate, as a fixed ladder would.
 */
export const GOOD_PSNR_DB = 38;
/** The widest step between neighbours: a player dropping one rung should not see a cliff. */
export const MAX_STEP_RATIO = 2;
/**
 * The narrowest span worth a second rung: below it the lower rung would be a switch that changes nothing
 * (bench:per-title's flat graphics got 600 and 660 kb/s) and one more encode to store.
 */
export const MIN_STEP_RATIO = 1.5;

export interface PerTitleLadder {
  rungs: Rung[];
  hull: HullPoint[];
  /** The rate the top rung stops at, and why. */
  top: { kbps: number; reason: 'transparent' | 'flat' | 'preset maximum' };
  /**
   * Predicted PSNR of each chosen rung, lowest first: its rate read on its own size's curve where that
   * reaches (`curveQualityAt`), else on the hull. The hull is the best of every size at that rate, not
   * what this rung's size gives: on bench:per-title's fast motion it said 23.5 dB for the 720p rung at
   * 5 Mb/s, which measured 20.4 (its own curve: 20.5).
   */
  predictedPsnr: number[];
}

/** The preset's own bounds: its lowest and highest rates and its number of rungs. */
export function boundsFromRungs(rungs: readonly Rung[]): PerTitleBounds {
  const rates = rungs.map((r) => r.bitrateKbps);
  return { minKbps: Math.min(...rates), maxKbps: Math.max(...rates), maxRungs: rungs.length };
}

/**
 * Rungs along the hull: the top where more bits stop buying visible quality (or the preset's maximum),
 * the bottom at the preset's minimum, and between them the fewest rungs whose even steps stay within
 * 2x (wider only when the preset's number of rungs forbids it); each rung
 * at the resolution that is best at its rate, never larger than the rung above. Frame-rate caps and
 * VBV peaks come from the preset's rung of the nearest height (Apple 1.25, 1.30 stay as the preset set
 * them).
 */
export function pickPerTitleRungs(
  points: readonly ProbePoint[],
  bounds: PerTitleBounds,
  presetRungs: readonly Rung[],
): PerTitleLadder {
  const hull = rateQualityHull(points);
  const top = topRate(hull, bounds);
  const floor = Math.min(bounds.minKbps, top.kbps);
  const span = top.kbps / floor;
  // The fewest rungs whose even steps stay within 2x (fewer rungs: less to encode and store); when the
  // preset allows fewer, its number, with wider even steps (the lowest rung still serves slow links).
  const needed = span < MIN_STEP_RATIO ? 1 : Math.ceil(Math.log(span) / Math.log(MAX_STEP_RATIO) - 1e-9) + 1;
  const count = Math.max(1, Math.min(bounds.maxRungs, needed));
  const step = count > 1 ? Math.pow(span, 1 / (count - 1)) : 1;
  const rates: number[] = [];
  for (let k = 0; k < count; k++) rates.push(roundKbps(top.kbps / Math.pow(step, k)));
  // From the top down: the best resolution at each rate, never above the rung over it.
  const rungs: Rung[] = [];
  let ceiling = Infinity;
  for (const kbps of rates) {
    let size: { width: number; height: number } = bestResolutionAt(points, kbps);
    if (size.width * size.height > ceiling) size = sizeNotAbove(points, ceiling);
    ceiling = size.width * size.height;
    const model = nearestRung(presetRungs, size.height);
    const peakRatio = model.maxBitrateKbps ? model.maxBitrateKbps / model.bitrateKbps : undefined;
    rungs.push({
      width: size.width,
      height: size.height,
      bitrateKbps: kbps,
      ...(peakRatio ? { maxBitrateKbps: Math.round(kbps * peakRatio) } : {}),
      ...(model.maxFrameRate ? { maxFrameRate: model.maxFrameRate } : {}),
    });
  }
  rungs.reverse();
  const curves = curvesByResolution(points);
  const predict = (r: Rung) => {
    const own = curves.find((c) => c[0]!.width === r.width && c[0]!.height === r.height);
    return (own && curveQualityAt(own, r.bitrateKbps)) ?? hullQualityAt(hull, r.bitrateKbps);
  };
  return { rungs, hull, top, predictedPsnr: rungs.map((r) => round(predict(r))) };
}

function topRate(hull: readonly HullPoint[], bounds: PerTitleBounds): PerTitleLadder['top'] {
  for (let i = 0; i < hull.length; i++) {
    const p = hull[i]!;
    if (p.kbps > bounds.maxKbps) break;
    if (p.psnr >= TRANSPARENT_PSNR_DB) {
      // Where the hull crosses the threshold, between this point and the one before.
      const a = hull[i - 1];
      const kbps = a
        ? Math.pow(
            2,
            a.log2Kbps + ((TRANSPARENT_PSNR_DB - a.psnr) * (p.log2Kbps - a.log2Kbps)) / (p.psnr - a.psnr),
          )
        : p.kbps;
      return {
        kbps: roundKbps(Math.max(bounds.minKbps, Math.min(bounds.maxKbps, kbps))),
        reason: 'transparent',
      };
    }
    const next = hull[i + 1];
    if (
      p.psnr >= GOOD_PSNR_DB &&
      next &&
      (next.psnr - p.psnr) / (next.log2Kbps - p.log2Kbps) < FLAT_DB_PER_DOUBLING
    )
      return { kbps: roundKbps(Math.max(bounds.minKbps, Math.min(bounds.maxKbps, p.kbps))), reason: 'flat' };
  }
  return { kbps: bounds.maxKbps, reason: 'preset maximum' };
}

function sizeNotAbove(points: readonly ProbePoint[], pixels: number): { width: number; height: number } {
  const fitting = points.filter((p) => p.width * p.height <= pixels);
  const pool = fitting.length ? fitting : points;
  return pool.reduce((a, b) => (b.width * b.height > a.width * a.height === fitting.length > 0 ? b : a));
}

function nearestRung(rungs: readonly Rung[], height: number): Rung {
  return rungs.reduce((a, b) => (Math.abs(b.height - height) < Math.abs(a.height - height) ? b : a));
}

/** Readable rates: to 10 kb/s below 1 Mb/s, to 50 above. */
function roundKbps(kbps: number): number {
  const unit = kbps < 1000 ? 10 : 50;
  return Math.max(unit, Math.round(kbps / unit) * unit);
}

const round = (v: number) => Math.round(v * 100) / 100;
