/**
 * Quality of each rung measured against the source (issue 15): what video.json stores and the studio
 * and `hls-studio info` show. Values are luma (Y) figures: PSNR in dB, SSIM from 0 to 1.
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

export type MetricName = 'psnr' | 'ssim';

export type RungQuality = Record<MetricName, MetricSummary>;

/** How the figures were made, so two packages' figures can be told comparable or not. */
export interface QualityMethod {
  metrics: MetricName[];
  /** Metrics this ffmpeg cannot compute, and why (VMAF needs libvmaf; XPSNR needs ffmpeg 7.1). */
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

/** Identical pictures have an infinite PSNR; figures are capped here so they stay numbers (JSON). */
export const PSNR_CAP_DB = 100;
