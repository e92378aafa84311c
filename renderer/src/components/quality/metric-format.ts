import { METRIC_LABELS, type MetricName } from '../../../../src/common/quality/quality-report';

/** How a metric is named, printed and charted. */
export interface MetricFormat {
  label: string;
  axis: string;
  format: (value: number) => string;
  /** An axis tick's label. */
  tick: (value: number) => string;
  /** The least spread a chart's value axis shows, so near-equal rungs are not blown up into a cliff. */
  minSpread: number;
}

const decibels = (label: string): MetricFormat => ({
  label,
  axis: `${label} (dB)`,
  format: (v) => `${v.toFixed(1)} dB`,
  tick: String,
  minSpread: 2,
});

/** PSNR and XPSNR in dB to 0.1, SSIM (0 to 1) to 0.001, VMAF (0 to 100) to 0.1. */
export const METRICS: Record<MetricName, MetricFormat> = {
  psnr: decibels(METRIC_LABELS.psnr),
  ssim: {
    label: METRIC_LABELS.ssim,
    axis: 'SSIM',
    format: (v) => v.toFixed(3),
    tick: (v) => v.toFixed(2),
    minSpread: 0.02,
  },
  vmaf: {
    label: METRIC_LABELS.vmaf,
    axis: 'VMAF (0–100)',
    format: (v) => v.toFixed(1),
    tick: String,
    minSpread: 4,
  },
  xpsnr: decibels(METRIC_LABELS.xpsnr),
};

/** Rungs are told apart by colour in both charts and the table (quality.css, light and dark). */
export function rungColour(number: number): string {
  return `var(--quality-rung-${(number - 1) % 6})`;
}
