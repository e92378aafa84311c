import type { MetricName } from '../../../../src/common/quality/quality-report';

/** How each metric is named and printed: PSNR in dB to 0.1, SSIM (0 to 1) to 0.001. */
export const METRICS: Record<MetricName, { label: string; axis: string; format: (value: number) => string }> =
  {
    psnr: { label: 'PSNR', axis: 'PSNR (dB)', format: (v) => `${v.toFixed(1)} dB` },
    ssim: { label: 'SSIM', axis: 'SSIM', format: (v) => v.toFixed(3) },
  };

/** Rungs are told apart by colour in both charts and the table (quality.css, light and dark). */
export function rungColour(number: number): string {
  return `var(--quality-rung-${(number - 1) % 6})`;
}
