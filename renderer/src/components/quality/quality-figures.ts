import { z } from 'zod';
import type { PackagedVariant } from '../../../../src/common/encode-events';
import {
  METRIC_NAMES,
  type MetricName,
  type MetricSummary,
  type QualityMethod,
  type RungQuality,
} from '../../../../src/common/quality/quality-report';

/** One video rung of a package with its measured quality. */
export interface RungFigures {
  /** Counted from 1, lowest first, as the preview's rung menu and stats count them. */
  number: number;
  uri: string;
  width: number;
  height: number;
  averageBandwidth: number;
  quality: RungQuality;
}

/** What the studio shows of a package's quality, from its video.json. */
export interface PackageQuality {
  method: QualityMethod;
  durationSec: number;
  /** Lowest first. */
  rungs: RungFigures[];
}

const metric: z.ZodType<MetricSummary> = z.object({
  mean: z.number(),
  worst: z.object({ segment: z.number(), startSec: z.number(), value: z.number() }),
  p5: z.number(),
  perSegment: z.array(z.number()),
});

const method: z.ZodType<QualityMethod> = z.object({
  metrics: z.array(z.enum(METRIC_NAMES)),
  unavailable: z.array(z.string()),
  reference: z.object({ width: z.number(), height: z.number(), scaler: z.literal('bicubic') }),
  sampleEvery: z.number(),
  measuredFrames: z.number(),
  elapsedSec: z.number(),
  shareOfEncode: z.number().optional(),
});

// Only what the panel reads; the rest of video.json passes through unchecked.
const videoJson = z.looseObject({
  durationSec: z.number(),
  quality: method.optional(),
  variants: z.array(
    z.looseObject({
      uri: z.string(),
      width: z.number().optional(),
      height: z.number().optional(),
      averageBandwidth: z.number(),
      // VMAF and XPSNR only where the encode's ffmpeg could measure them (older packages never have them).
      quality: z
        .object({ psnr: metric, ssim: metric, vmaf: metric.optional(), xpsnr: metric.optional() })
        .optional(),
    }),
  ),
});

/**
 * The quality figures of a package's video.json, or undefined when it has none (made before quality was
 * measured, with `--no-quality`, or audio only) or is not a video.json at all.
 */
export function qualityFromVideoJson(json: unknown): PackageQuality | undefined {
  const parsed = videoJson.safeParse(json);
  if (!parsed.success || !parsed.data.quality) return undefined;
  const rungs = rungOrder(parsed.data.variants).flatMap((v, i) =>
    v.quality && v.width && v.height
      ? [
          {
            number: i + 1,
            uri: v.uri,
            width: v.width,
            height: v.height,
            averageBandwidth: v.averageBandwidth,
            quality: v.quality,
          },
        ]
      : [],
  );
  if (rungs.length === 0) return undefined;
  return { method: parsed.data.quality, durationSec: parsed.data.durationSec, rungs };
}

/** The metrics the studio offers for a package: those it measured, on every rung, in METRIC_NAMES order. */
export function offeredMetrics(quality: PackageQuality): MetricName[] {
  return METRIC_NAMES.filter(
    (m) => quality.method.metrics.includes(m) && quality.rungs.every((r) => r.quality[m] !== undefined),
  );
}

/** A rung's figures for a metric the package offers (offeredMetrics). */
export function rungMetric(rung: RungFigures, metric: MetricName): MetricSummary {
  const summary = rung.quality[metric];
  if (!summary) throw new Error(`quality: rung ${rung.number} has no ${metric}`);
  return summary;
}

/**
 * The variants in the order hls.js gives its levels (by height, then average bit rate), so rung n here
 * is rung n in the preview's menu and the level the player pins for it is n - 1.
 */
export function rungOrder<V extends Pick<PackagedVariant, 'height' | 'averageBandwidth'>>(
  variants: V[],
): V[] {
  return [...variants].sort(
    (a, b) => (a.height ?? 0) - (b.height ?? 0) || a.averageBandwidth - b.averageBandwidth,
  );
}
