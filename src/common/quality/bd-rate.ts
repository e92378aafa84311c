/**
 * Bjøntegaard delta rate (VCEG-M33): how many more or fewer bits one rate-quality curve spends than
 * another for the same quality, averaged over the quality range both cover.
 *
 * Each curve's log rate is fitted as a function of PSNR and the two fits are integrated over the
 * overlap. The fit is a piecewise cubic Hermite interpolation with Fritsch–Carlson slopes (PCHIP), the
 * variant VCEG-AL22 and JVET's common test conditions adopted instead of the original single cubic
 * polynomial: it passes through every point, works from two points up (a ladder may have two or three
 * rungs; a cubic needs four), and does not overshoot between rungs, so a curve's own shape never
 * produces a gain. Every piece is a cubic, so Simpson's rule integrates it exactly.
 */

/** One point of a rate-quality curve: a rung's bit rate and its PSNR (dB). */
export interface RatePoint {
  kbps: number;
  psnr: number;
}

/**
 * Average bit-rate difference of `test` against `reference` at equal PSNR, in percent: −20 means the
 * test curve needs 20% fewer bits for the same quality. Undefined when the curves share no quality
 * range (or either has fewer than two usable points).
 */
export function bdRate(reference: readonly RatePoint[], test: readonly RatePoint[]): number | undefined {
  const a = logRateCurve(reference);
  const b = logRateCurve(test);
  const range = a && b && overlap(a, b);
  if (!range) return undefined;
  const width = range.max - range.min;
  const meanLogDiff = (integrate(b, range.min, range.max) - integrate(a, range.min, range.max)) / width;
  return (Math.exp(meanLogDiff) - 1) * 100;
}

/** The PSNR range both curves cover (where bdRate compares them), or undefined. */
export function overlapPsnr(
  reference: readonly RatePoint[],
  test: readonly RatePoint[],
): { min: number; max: number } | undefined {
  const a = logRateCurve(reference);
  const b = logRateCurve(test);
  return a && b ? overlap(a, b) : undefined;
}

function overlap(a: Curve, b: Curve): { min: number; max: number } | undefined {
  const min = Math.max(a.xs[0]!, b.xs[0]!);
  const max = Math.min(a.xs[a.xs.length - 1]!, b.xs[b.xs.length - 1]!);
  return max > min ? { min, max } : undefined;
}

/**
 * Bits one point (a one-rung ladder) spends against a curve at the point's own PSNR, in percent: the
 * delta rate's limit when the common range shrinks to one quality. Undefined outside the curve's range.
 */
export function rateDifferenceAt(reference: readonly RatePoint[], point: RatePoint): number | undefined {
  const c = logRateCurve(reference);
  if (!c || !(point.kbps > 0) || point.psnr < c.xs[0]! || point.psnr > c.xs[c.xs.length - 1]!)
    return undefined;
  const i = Math.max(0, c.xs.findIndex((x) => x >= point.psnr) - 1);
  return (point.kbps / Math.exp(valueAt(c, i, point.psnr)) - 1) * 100;
}

/** ln(rate) over PSNR: knots `xs` (PSNR, increasing), values `ys` and PCHIP slopes `ds`. */
interface Curve {
  xs: number[];
  ys: number[];
  ds: number[];
}

function logRateCurve(points: readonly RatePoint[]): Curve | undefined {
  const sorted = points
    .filter((p) => p.kbps > 0 && Number.isFinite(p.psnr))
    .sort((p, q) => p.psnr - q.psnr || p.kbps - q.kbps);
  // Two rungs at one PSNR: log rate is not a function of quality there; the cheaper one reaches it.
  const unique = sorted.filter((p, i) => i === 0 || p.psnr > sorted[i - 1]!.psnr);
  if (unique.length < 2) return undefined;
  const xs = unique.map((p) => p.psnr);
  const ys = unique.map((p) => Math.log(p.kbps));
  return { xs, ys, ds: pchipSlopes(xs, ys) };
}

/** Fritsch–Carlson slopes: weighted harmonic means inside, shape-preserving three-point ends. */
function pchipSlopes(xs: number[], ys: number[]): number[] {
  const n = xs.length;
  const h = xs.slice(1).map((x, i) => x - xs[i]!);
  const delta = h.map((hi, i) => (ys[i + 1]! - ys[i]!) / hi);
  if (n === 2) return [delta[0]!, delta[0]!];
  const ds = new Array<number>(n).fill(0);
  for (let i = 1; i < n - 1; i++) {
    const [d0, d1] = [delta[i - 1]!, delta[i]!];
    if (d0 * d1 <= 0) continue;
    const w1 = 2 * h[i]! + h[i - 1]!;
    const w2 = h[i]! + 2 * h[i - 1]!;
    ds[i] = (w1 + w2) / (w1 / d0 + w2 / d1);
  }
  ds[0] = endSlope(h[0]!, h[1]!, delta[0]!, delta[1]!);
  ds[n - 1] = endSlope(h[n - 2]!, h[n - 3]!, delta[n - 2]!, delta[n - 3]!);
  return ds;
}

function endSlope(h0: number, h1: number, d0: number, d1: number): number {
  const d = ((2 * h0 + h1) * d0 - h0 * d1) / (h0 + h1);
  if (Math.sign(d) !== Math.sign(d0)) return 0;
  if (Math.sign(d0) !== Math.sign(d1) && Math.abs(d) > Math.abs(3 * d0)) return 3 * d0;
  return d;
}

function valueAt(c: Curve, i: number, x: number): number {
  const h = c.xs[i + 1]! - c.xs[i]!;
  const t = (x - c.xs[i]!) / h;
  const t2 = t * t;
  const t3 = t2 * t;
  return (
    (2 * t3 - 3 * t2 + 1) * c.ys[i]! +
    (t3 - 2 * t2 + t) * h * c.ds[i]! +
    (-2 * t3 + 3 * t2) * c.ys[i + 1]! +
    (t3 - t2) * h * c.ds[i + 1]!
  );
}

/** ∫ curve from lo to hi (inside its knots): Simpson's rule per piece, exact for cubics. */
function integrate(c: Curve, lo: number, hi: number): number {
  let sum = 0;
  for (let i = 0; i < c.xs.length - 1; i++) {
    const a = Math.max(lo, c.xs[i]!);
    const b = Math.min(hi, c.xs[i + 1]!);
    if (b <= a) continue;
    sum += ((b - a) / 6) * (valueAt(c, i, a) + 4 * valueAt(c, i, (a + b) / 2) + valueAt(c, i, b));
  }
  return sum;
}
