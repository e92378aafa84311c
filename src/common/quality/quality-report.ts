/**
 * Quality of each rung measured against the source (issue 15): what video.json stores and the studio
 * and `hls-studio info` show. Values are luma (Y) figures: PSNR and XPSNR in dB, SSIM from 0 to 1, VMAF
 * (libvmaf's default model, vmaf_v0.6.1) from 0 to 100.
 */

/** One metric of one rung: its mean, its worst segment, its 5th percentile and its value per segment. */
export interface MetricSummary {
  /** Mean over the measured frames. */
  mean: number;
  /** The segment with the lowest mean: where a viewer sees the rung at its worst. */
  worst: { segment: number; startSec: number; value: number };
  /** 5th percentile of the measured frames: 95% of them are at least this good. */
  p5: number;
  /** Mean per segment, in segment order (the value over time). */
  perSegment: number[];
}

export type MetricName = 'psnr' | 'ssim' | 'vmaf' | 'xpsnr';

/** Measured only where this ffmpeg can: libvmaf for VMAF, ffmpeg 7.1's xpsnr filter for XPSNR. */
export type ExtraMetric = Extract<MetricName, 'vmaf' | 'xpsnr'>;

/** Every metric in the order they are listed and offered. */
export const METRIC_NAMES: readonly MetricName[] = ['psnr', 'ssim', 'vmaf', 'xpsnr'];
export const EXTRA_METRICS: readonly ExtraMetric[] = ['vmaf', 'xpsnr'];

/** How each metric is named to people: "VMAF", not "vmaf". */
export const METRIC_LABELS: Record<MetricName, string> = {
  psnr: 'PSNR',
  ssim: 'SSIM',
  vmaf: 'VMAF',
  xpsnr: 'XPSNR',
};

/** "PSNR and SSIM", "PSNR, SSIM and VMAF": the metrics as one phrase. */
export function metricList(metrics: readonly MetricName[]): string {
  const labels = metrics.map((m) => METRIC_LABELS[m]);
  return labels.length > 1 ? `${labels.slice(0, -1).join(', ')} and ${labels.at(-1)}` : (labels[0] ?? '');
}

/** PSNR and SSIM always; VMAF and XPSNR when they were measured (packages made before them lack them). */
export type RungQuality = Record<'psnr' | 'ssim', MetricSummary> &
  Partial<Record<ExtraMetric, MetricSummary>>;

/** How the figures were made, so two packages' figures can be told comparable or not. */
export interface QualityMethod {
  /** What was measured, in METRIC_NAMES order: always psnr and ssim, then vmaf and xpsnr where they ran. */
  metrics: MetricName[];
  /** Metrics not measured, and why ("vmaf: this ffmpeg has no libvmaf"; a failed self-test). */
  unavailable: string[];
  /** Both pictures are scaled to this size (the top rung's) with this scaler before comparing. */
  reference: { width: number; height: number; scaler: 'bicubic' };
  /** Every Nth frame of each rung is compared (1 = every frame). */
  sampleEvery: number;
  /** Frames compared per rung. */
  measuredFrames: number;
  /** Wall time of the measuring run, and its share of the main encode's wall time. */
  elapsedSec: number;
  shareOfEncode?: number;
}

/** Identical pictures have an infinite PSNR (and XPSNR); figures are capped here so they stay numbers (JSON). */
export const PSNR_CAP_DB = 100;
