import type { QualityMethod, RungQuality } from '../common/quality/quality-report.js';
import { formatDuration } from './progress-line.js';

/** `PSNR 37.2 dB (worst 36.6 at 0:06, 5th pct 36.6) · SSIM 0.909 (worst 0.903 at 0:06)` */
export function rungQualityLine(q: RungQuality): string {
  const psnr = q.psnr;
  const ssim = q.ssim;
  return (
    `PSNR ${psnr.mean.toFixed(1)} dB (worst ${psnr.worst.value.toFixed(1)} at ${formatDuration(psnr.worst.startSec)}, ` +
    `5th pct ${psnr.p5.toFixed(1)}) · SSIM ${ssim.mean.toFixed(3)} (worst ${ssim.worst.value.toFixed(3)} at ${formatDuration(ssim.worst.startSec)})`
  );
}

/** How the figures were made and what they cost. */
export function qualityMethodLines(m: QualityMethod): string[] {
  const every = m.sampleEvery === 1 ? 'every frame' : `1 frame in ${m.sampleEvery}`;
  const share = m.shareOfEncode === undefined ? '' : ` (${Math.round(m.shareOfEncode * 100)}% of the encode)`;
  return [
    `quality: luma PSNR and SSIM against the source at ${m.reference.width}x${m.reference.height} (${m.reference.scaler}), ` +
      `${every}, ${m.measuredFrames} frames per rung, ${m.elapsedSec.toFixed(1)} s${share}`,
    ...m.unavailable.map((u) => `  not measured: ${u}`),
  ];
}
