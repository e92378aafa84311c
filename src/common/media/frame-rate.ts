import { divide, reduce, toNumber, type Rational } from './rational.js';

/** The broadcast and camera rates players expect; a VFR source is converted to one of these. */
export const STANDARD_FRAME_RATES: readonly Rational[] = [
  { num: 24000, den: 1001 },
  { num: 24, den: 1 },
  { num: 25, den: 1 },
  { num: 30000, den: 1001 },
  { num: 30, den: 1 },
  { num: 50, den: 1 },
  { num: 60000, den: 1001 },
  { num: 60, den: 1 },
];

/** Above this a rate is a container artefact (MKV's 1000/1, a 57600/1 timebase), not a picture rate. */
const MAX_PLAUSIBLE_FPS = 240;

export interface FrameRateFacts {
  /** The rate the package is encoded at before per-rung caps. */
  nominal: Rational;
  /** r_frame_rate and avg_frame_rate disagree (or one is an artefact): frames are not evenly spaced. */
  vfr: boolean;
}

/**
 * Chooses the output frame rate from ffprobe's r_frame_rate and avg_frame_rate.
 * A constant-rate source keeps its exact rate; a variable-rate one becomes the smallest standard rate at
 * or above its average, so bursts of motion are not thinned out.
 */
export function nominalFrameRate(rFrameRate?: Rational, avgFrameRate?: Rational): FrameRateFacts | undefined {
  const r = plausible(rFrameRate);
  const avg = plausible(avgFrameRate);
  if (r && avg) {
    const rel = Math.abs(toNumber(r) - toNumber(avg)) / toNumber(r);
    if (rel < 0.01) return { nominal: r, vfr: false };
    return { nominal: snapUp(avg), vfr: true };
  }
  if (r) return { nominal: r, vfr: false };
  if (avg) return { nominal: snapUp(avg), vfr: true };
  return undefined;
}

/**
 * Caps a rate by whole-number division so frames are dropped evenly: 59.94 under a 30 cap gives 29.97,
 * 50 gives 25, 120 gives 30 (Apple HLS 1.25: low rungs at most 30 fps).
 */
export function capFrameRate(rate: Rational, cap: number | undefined): Rational {
  if (cap === undefined || toNumber(rate) <= cap * 1.001) return rate;
  return divide(rate, Math.ceil(toNumber(rate) / (cap * 1.001)));
}

function plausible(rate: Rational | undefined): Rational | undefined {
  if (!rate) return undefined;
  const fps = toNumber(rate);
  return fps > 0 && fps <= MAX_PLAUSIBLE_FPS ? reduce(rate) : undefined;
}

function snapUp(rate: Rational): Rational {
  const fps = toNumber(rate);
  const standard = STANDARD_FRAME_RATES.find((s) => toNumber(s) >= fps * 0.98);
  return standard ?? STANDARD_FRAME_RATES[STANDARD_FRAME_RATES.length - 1]!;
}
