import {
  metricList,
  type MetricSummary,
  type QualityMethod,
  type RungQuality,
} from '../common/quality/quality-report.js';
import { formatDuration } from './progress-line.js';

/**
 * `PSNR 37.2 dB (worst 36.6 at 0:06, 5th pct 36.6) · SSIM 0.909 (worst 0.903 at 0:06)`, then
 * `· VMAF 88.4 (worst 84.0 at 0:06) · XPSNR 39.1 dB (worst 38.2 at 0:06)` when they were measured.
 */
export function rungQualityLine(q: RungQuality): string {
  const { psnr, ssim, vmaf, xpsnr } = q;
  const at = (m: MetricSummary, digits: number) =>
    `worst ${m.worst.value.toFixed(digits)} at ${formatDuration(m.worst.startSec)}`;
  return [
    `PSNR ${psnr.mean.toFixed(1)} dB (${at(psnr, 1)}, 5th pct ${psnr.p5.toFixed(1)})`,
    `SSIM ${ssim.mean.toFixed(3)} (${at(ssim, 3)})`,
    ...(vmaf ? [`VMAF ${vmaf.mean.toFixed(1)} (${at(vmaf, 1)})`] : []),
    ...(xpsnr ? [`XPSNR ${xpsnr.mean.toFixed(1)} dB (${at(xpsnr, 1)})`] : []),
  ].join(' · ');
}

/** How the figures were made and what they cost. */
export function qualityMethodLines(m: QualityMethod): string[] {
  const every = m.sampleEvery === 1 ? 'every frame' : `1 frame in ${m.sampleEvery}`;
  const share = m.shareOfEncode === undefined ? '' : ` (${Math.round(m.shareOfEncode * 100)}% of the encode)`;
  return [
    `quality: luma ${metricList(m.metrics)} against the source at ${m.reference.width}x${m.reference.height} (${m.reference.scaler}), ` +
      `${every}, ${m.measuredFrames} frames per rung, ${m.elapsedSec.toFixed(1)} s${share}`,
    ...m.unavailable.map((u) => `  not measured: ${u}`),
  ];
}
