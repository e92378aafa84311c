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
 * The resolution that gives the best quality at a bit rate: each resolution's own curve (its CRF
 * points, linear in log rate) is read at that rate, within the rates it was measured at (no
 * extrapolation), and the highest wins; below every curve, the smallest resolution.
 */
export function bestResolutionAt(
  points: readonly ProbePoint[],
  kbps: number,
): { width: number; height: number; psnr: number } {
  const x = Math.log2(kbps);
  let best: { width: number; height: number; psnr: number } | undefined;
  for (const curve of curvesByResolution(points)) {
    const first = curve[0]!;
    const last = curve[curve.length - 1]!;
    if (x < Math.log2(first.kbps) || x > Math.log2(last.kbps)) continue;
    let psnr = last.psnr;
    for (let i = 1; i < curve.length; i++) {
      const a = curve[i - 1]!;
      const b = curve[i]!;
      const xa = Math.log2(a.kbps);
      const xb = Math.log2(b.kbps);
      if (x <= xb) {
        psnr = xb === xa ? b.psnr : a.psnr + ((b.psnr - a.psnr) * (x - xa)) / (xb - xa);
        break;
      }
    }
    if (!best || psnr > best.psnr) best = { width: first.width, height: first.height, psnr };
  }
  if (best) return best;
  // Outside every measured range: below it the smallest picture, above it the largest.
  const curves = curvesByResolution(points);
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
