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
 * Chooses the output frame rate from ffprobe's r_frame_rate and avg_frame_rate, and the rate sampled from
 * the first packets' timestamps when known. A constant-rate source keeps its rate (snapped to the standard
 * rate within 1%: a phone's 179/6 is 29.97); a variable-rate one becomes the smallest standard rate at or
 * above its average, so bursts of motion are not thinned out.
 */
export function nominalFrameRate(
  rFrameRate?: Rational,
  avgFrameRate?: Rational,
  sampledFps?: number,
): FrameRateFacts | undefined {
  let r = plausible(rFrameRate);
  const avg = plausible(avgFrameRate);
  // r_frame_rate is a guess from time bases: Matroska's 1 ms clock or field-coded H.264 can double it.
  if (r && sampledFps && toNumber(r) > sampledFps * 1.5) r = undefined;
  if (r && avg) {
    const rel = Math.abs(toNumber(r) - toNumber(avg)) / toNumber(r);
    if (rel < 0.01) return { nominal: snapNear(r), vfr: false };
    return { nominal: snapUp(avg), vfr: true };
  }
  if (r) return { nominal: snapNear(r), vfr: false };
  if (avg) return { nominal: snapUp(avg), vfr: true };
  if (sampledFps && sampledFps > 0 && sampledFps <= MAX_PLAUSIBLE_FPS) {
    return { nominal: snapUp({ num: Math.round(sampledFps * 1000), den: 1000 }), vfr: false };
  }
  return undefined;
}

/**
 * Caps a rate by whole-number division so frames are dropped evenly: 59.94 under a 30 cap gives 29.97,
 * 50 gives 25, 120 gives 30 (Apple HLS 1.25: low rungs at most 30 fps).
 */
export function capFrameRate(rate: Rational, cap: number | undefined): Rational {
  // No cap but a positive one: 0 or NaN (a field being typed in the editor) divided by Infinity, and
  // reducing that ratio never ended (issue 10). The schema refuses such caps before any encode.
  if (cap === undefined || !(cap > 0) || toNumber(rate) <= cap * 1.001) return rate;
  return divide(rate, Math.ceil(toNumber(rate) / (cap * 1.001)));
}

function plausible(rate: Rational | undefined): Rational | undefined {
  if (!rate) return undefined;
  const fps = toNumber(rate);
  return fps > 0 && fps <= MAX_PLAUSIBLE_FPS ? reduce(rate) : undefined;
}

function snapNear(rate: Rational): Rational {
  const fps = toNumber(rate);
  const distance = (s: Rational) => Math.abs(toNumber(s) - fps) / fps;
  const nearest = STANDARD_FRAME_RATES.reduce((best, s) => (distance(s) < distance(best) ? s : best));
  return distance(nearest) < 0.01 ? nearest : reduce(rate);
}

function snapUp(rate: Rational): Rational {
  const fps = toNumber(rate);
  const standard = STANDARD_FRAME_RATES.find((s) => toNumber(s) >= fps * 0.98);
  return standard ?? STANDARD_FRAME_RATES[STANDARD_FRAME_RATES.length - 1]!;
}

/** Frames per second from presentation timestamps in any order (B-frames arrive out of order). */
export function frameRateFromTimestamps(ptsSeconds: number[]): number | undefined {
  const pts = ptsSeconds.filter((t) => Number.isFinite(t)).sort((a, b) => a - b);
  if (pts.length < 10) return undefined;
  const span = pts[pts.length - 1]! - pts[0]!;
  return span > 0 ? (pts.length - 1) / span : undefined;
}
