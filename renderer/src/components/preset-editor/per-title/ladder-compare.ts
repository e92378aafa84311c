import type { PerTitleAnalysis } from '../../../../../src/common/api/studio-api';
import {
  curveQualityAt,
  curvesByResolution,
  hullQualityAt,
  rateQualityHull,
  type ProbePoint,
} from '../../../../../src/common/plan/rate-quality-hull';
import type { Rung } from '../../../../../src/common/presets/preset-schema';
import { withAverage } from '../draft';

/** One rung as the comparison shows it. */
export interface ComparedRung {
  rung: Rung;
  /** Predicted PSNR (dB) of this rung on this source. */
  psnr: number;
  /**
   * The rate is outside what its size was probed at: the curve's end value is then an upper bound
   * ('below' the probes: fewer bits, less quality) or a lower bound ('above'); 'extrapolated': a
   * little below the probes, read as the engine reads it when it picks rungs (curveQualityAt).
   */
  beyond?: 'below' | 'above' | 'extrapolated';
}

export interface LadderSide {
  /** Lowest first: the fixed rungs by rate, the per-title ones in their own order (a moved rung stays put). */
  rungs: ComparedRung[];
  /** Sum of the rungs' average rates (kb/s): what a package of every rung costs per second. */
  totalKbps: number;
  /** Predicted video bytes of the whole package: the sum of rates × the source's duration. */
  bytes: number;
}

export interface LadderComparison {
  fixed: LadderSide;
  auto: LadderSide;
  /** (auto − fixed) / fixed of the package's video bytes: negative when per-title saves. */
  sizeChange: number;
  /** The analysis's own time against the source's duration (1 = as long as the source plays). */
  costPerSourceSec: number;
}

/**
 * The quality a rung is predicted to reach: its rate read on its own resolution's probe curve (that
 * resolution's hull, linear in log rate, flat beyond the probed rates), or on the hull of every point
 * when its size was not probed. A rung moved by the creator is read the same way as a chosen one.
 */
export function predictPsnr(
  points: readonly ProbePoint[],
  rung: Pick<Rung, 'width' | 'height' | 'bitrateKbps'>,
): Omit<ComparedRung, 'rung'> {
  const own = curvesByResolution(points).find(
    (c) => c[0]!.width === rung.width && c[0]!.height === rung.height,
  );
  const curve = own ?? points;
  const rates = curve.map((p) => p.kbps);
  // A little below its probes, the pessimistic extrapolation the ladder was picked with.
  const extrapolated =
    own && rung.bitrateKbps < Math.min(...rates) ? curveQualityAt(own, rung.bitrateKbps) : undefined;
  if (extrapolated !== undefined) return { psnr: round(extrapolated), beyond: 'extrapolated' };
  const beyond =
    rung.bitrateKbps < Math.min(...rates)
      ? 'below'
      : rung.bitrateKbps > Math.max(...rates)
        ? 'above'
        : undefined;
  return {
    psnr: round(hullQualityAt(rateQualityHull(curve), rung.bitrateKbps)),
    ...(beyond ? { beyond } : {}),
  };
}

/** The preset's fixed ladder and the per-title one (as chosen, or as the creator moved it), side by side. */
export function compareLadders(
  analysis: Pick<PerTitleAnalysis, 'points' | 'durationSec' | 'elapsedSec'>,
  fixed: readonly Rung[],
  auto: readonly Rung[],
): LadderComparison {
  const side = (rungs: readonly Rung[]): LadderSide => {
    const totalKbps = rungs.reduce((sum, r) => sum + r.bitrateKbps, 0);
    return {
      rungs: rungs.map((rung) => ({ rung, ...predictPsnr(analysis.points, rung) })),
      totalKbps,
      bytes: Math.round((totalKbps * 1000 * analysis.durationSec) / 8),
    };
  };
  const f = side([...fixed].sort((a, b) => a.bitrateKbps - b.bitrateKbps));
  const a = side(auto);
  return {
    fixed: f,
    auto: a,
    sizeChange: f.bytes > 0 ? (a.bytes - f.bytes) / f.bytes : 0,
    costPerSourceSec: analysis.durationSec > 0 ? analysis.elapsedSec / analysis.durationSec : 0,
  };
}

/** The chosen rungs with one rate moved: the peak keeps its ratio to the average (as a chart drag does). */
export function moveRung(rungs: readonly Rung[], index: number, kbps: number): Rung[] {
  return rungs.map((r, i) => (i === index ? withAverage(r, kbps, true) : r));
}

/** Same rungs, rung for rung. */
export function sameRungs(a: readonly Rung[], b: readonly Rung[]): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

const round = (v: number) => Math.round(v * 100) / 100;
