/**
 * Per-title ladders (issue 15): the rate-quality convex hull of a source, built from short probe
 * encodes at several resolutions and CRF values. Pure functions on recorded points.
 */

/** One probe encode: a resolution at one CRF, its bit rate and its quality against the source. */
export interface ProbePoint {
  width: number;
  height: number;
  crf: number;
  kbps: number;
  /** Luma PSNR in dB, measured at the reference size like the quality of a finished rung. */
  psnr: number;
}

export interface HullPoint extends ProbePoint {
  /** log2 of the bit rate: the hull is concave in log rate, where each doubling costs the same. */
  log2Kbps: number;
}

/**
 * The upper convex hull of every probe point in the (log2 rate, PSNR) plane: for any bit rate, the
 * best quality any resolution reaches, and the resolution that reaches it. Points below the hull (a
 * resolution that is never the best choice at its rate) are dropped, and so is any point that does not
 * raise quality over a cheaper one.
 */
export function rateQualityHull(points: readonly ProbePoint[]): HullPoint[] {
  const sorted = points
    .filter((p) => p.kbps > 0 && Number.isFinite(p.psnr))
    .map((p) => ({ ...p, log2Kbps: Math.log2(p.kbps) }))
    .sort((a, b) => a.log2Kbps - b.log2Kbps || b.psnr - a.psnr);
  const hull: HullPoint[] = [];
  for (const p of sorted) {
    if (hull.length && p.psnr <= hull[hull.length - 1]!.psnr) continue;
    // Keep the chain concave: drop the last point while it lies on or under the segment to p.
    while (hull.length >= 2 && cross(hull[hull.length - 2]!, hull[hull.length - 1]!, p) >= 0) hull.pop();
    hull.push(p);
  }
  return hull;
}

/** > 0 when b lies under the segment a → c (a convex turn in this plane). */
function cross(a: HullPoint, b: HullPoint, c: HullPoint): number {
  return (b.log2Kbps - a.log2Kbps) * (c.psnr - a.psnr) - (b.psnr - a.psnr) * (c.log2Kbps - a.log2Kbps);
}

/** Quality the hull predicts at a bit rate (linear in log rate between hull points, flat outside). */
export function hullQualityAt(hull: readonly HullPoint[], kbps: number): number {
  if (hull.length === 0) return 0;
  const x = Math.log2(kbps);
  if (x <= hull[0]!.log2Kbps) return hull[0]!.psnr;
  for (let i = 1; i < hull.length; i++) {
    const a = hull[i - 1]!;
    const b = hull[i]!;
    if (x <= b.log2Kbps) return a.psnr + ((b.psnr - a.psnr) * (x - a.log2Kbps)) / (b.log2Kbps - a.log2Kbps);
  }
  return hull[hull.length - 1]!.psnr;
}

/**
 * How far below its cheapest probe a resolution's curve is still read: at most this factor fewer bits.
 * Without it a size was never chosen below its cheapest probe, however good: on a 640x360 clip the
 * ladder took 180p at 300 kb/s (measured 33.1 dB) and 270p at 670 (35.4) where 270p and 360p at the
 * same rates measured 34.0 and 40.7; on fast motion it kept 360p up to 2.5 Mb/s (the larger sizes'
 * cheapest probes were at 3.7-13.5 Mb/s). Further down a straight line is no guess at all: that
 * clip's 360p curve read 3.2x below its cheapest probe gives 24.5 dB; 360p measured 35.6 there.
 */
export const EXTRAPOLATE_BELOW_RATIO = 2;
/**
 * Below its cheapest probe a curve loses at least this much per halving of bits, and at least its
 * steepest measured slope: a pessimistic guess, so an extrapolated size wins only by a clear margin
 * (the clip's 270p lost 1.0 dB per halving below its probes, measured against 0.83 between them).
 */
export const MIN_EXTRAPOLATED_DB_PER_DOUBLING = 1;

/**
 * The quality one resolution's curve (its points by rising rate, as `curvesByResolution` gives them)
 * predicts at a bit rate: linear in log rate between its points; below its cheapest point along its
 * steepest measured slope (at least `MIN_EXTRAPOLATED_DB_PER_DOUBLING`), down to
 * `EXTRAPOLATE_BELOW_RATIO` times fewer bits; undefined further down, above its dearest point, and
 * below a curve of one point (no slope was measured).
 */
export function curveQualityAt(curve: readonly ProbePoint[], kbps: number): number | undefined {
  const x = Math.log2(kbps);
  const first = curve[0];
  const last = curve[curve.length - 1];
  if (!first || !last || x > Math.log2(last.kbps)) return undefined;
  const x0 = Math.log2(first.kbps);
  if (x < x0) {
    if (x < x0 - Math.log2(EXTRAPOLATE_BELOW_RATIO)) return undefined;
    const slope = steepestSlope(curve);
    return slope === undefined
      ? undefined
      : first.psnr - Math.max(slope, MIN_EXTRAPOLATED_DB_PER_DOUBLING) * (x0 - x);
  }
  for (let i = 1; i < curve.length; i++) {
    const a = curve[i - 1]!;
    const b = curve[i]!;
    const xa = Math.log2(a.kbps);
    const xb = Math.log2(b.kbps);
    if (x <= xb) return xb === xa ? b.psnr : a.psnr + ((b.psnr - a.psnr) * (x - xa)) / (xb - xa);
  }
  return last.psnr;
}

/** dB per doubling of the steepest step between neighbouring points; undefined with fewer than two. */
function steepestSlope(curve: readonly ProbePoint[]): number | undefined {
  let steepest: number | undefined;
  for (let i = 1; i < curve.length; i++) {
    const run = Math.log2(curve[i]!.kbps) - Math.log2(curve[i - 1]!.kbps);
    if (run <= 0) continue;
    const slope = (curve[i]!.psnr - curve[i - 1]!.psnr) / run;
    if (steepest === undefined || slope > steepest) steepest = slope;
  }
  return steepest;
}

/**
 * The resolution that gives the best quality at a bit rate: each resolution's curve is read at that
 * rate (`curveQualityAt`: within its probes, or a little below them, pessimistically) and the highest
 * wins, the smaller size on a tie; below every curve's reach, the smallest resolution; above every
 * curve, the largest.
 */
export function bestResolutionAt(
  points: readonly ProbePoint[],
  kbps: number,
): { width: number; height: number; psnr: number } {
  const curves = curvesByResolution(points);
  let best: { width: number; height: number; psnr: number } | undefined;
  for (const curve of curves) {
    const psnr = curveQualityAt(curve, kbps);
    if (psnr !== undefined && (!best || psnr > best.psnr))
      best = { width: curve[0]!.width, height: curve[0]!.height, psnr };
  }
  if (best) return best;
  const x = Math.log2(kbps);
  const above = curves.filter((c) => x > Math.log2(c[c.length - 1]!.kbps));
  const pick = above.length === curves.length ? curves[curves.length - 1]! : curves[0]!;
  const edge = above.length === curves.length ? pick[pick.length - 1]! : pick[0]!;
  return { width: edge.width, height: edge.height, psnr: edge.psnr };
}

/** Each resolution's points by rising bit rate; resolutions from the smallest. */
export function curvesByResolution(points: readonly ProbePoint[]): ProbePoint[][] {
  const groups = new Map<string, ProbePoint[]>();
  for (const p of points) {
    const key = `${p.width}x${p.height}`;
    groups.set(key, [...(groups.get(key) ?? []), p]);
  }
  return [...groups.values()]
    .map((g) => [...g].sort((a, b) => a.kbps - b.kbps))
    .sort((a, b) => a[0]!.width * a[0]!.height - b[0]!.width * b[0]!.height);
}
