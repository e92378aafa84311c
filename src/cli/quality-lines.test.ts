import { describe, expect, it } from 'vitest';
import type { MetricSummary, QualityMethod } from '../common/quality/quality-report.js';
import { qualityMethodLines, rungQualityLine } from './quality-lines.js';

const summary = (mean: number, worst: number, startSec: number, p5: number): MetricSummary => ({
  mean,
  worst: { segment: 1, startSec, value: worst },
  p5,
  perSegment: [mean, worst],
});
const psnr = summary(37.21, 36.58, 6, 36.04);
const ssim = summary(0.9091, 0.9032, 6, 0.9);

const method: QualityMethod = {
  metrics: ['psnr', 'ssim'],
  unavailable: ['vmaf: this ffmpeg has no libvmaf', 'xpsnr: needs ffmpeg 7.1 or newer'],
  reference: { width: 1280, height: 720, scaler: 'bicubic' },
  sampleEvery: 1,
  measuredFrames: 300,
  elapsedSec: 7.86,
  shareOfEncode: 0.45,
};

describe('quality lines (hls-studio info, the encode summary)', () => {
  it('PSNR and SSIM per rung, as before VMAF and XPSNR existed', () => {
    expect(rungQualityLine({ psnr, ssim })).toBe(
      'PSNR 37.2 dB (worst 36.6 at 0:06, 5th pct 36.0) · SSIM 0.909 (worst 0.903 at 0:06)',
    );
  });

  it('adds VMAF (0-100) and XPSNR (dB) when the package has them', () => {
    const vmaf = summary(88.43, 84.02, 12, 81.5);
    const xpsnr = summary(39.07, 38.24, 0, 37.9);
    expect(rungQualityLine({ psnr, ssim, vmaf, xpsnr })).toBe(
      'PSNR 37.2 dB (worst 36.6 at 0:06, 5th pct 36.0) · SSIM 0.909 (worst 0.903 at 0:06) · ' +
        'VMAF 88.4 (worst 84.0 at 0:12) · XPSNR 39.1 dB (worst 38.2 at 0:00)',
    );
    expect(rungQualityLine({ psnr, ssim, vmaf })).toMatch(/· VMAF 88\.4 \(worst 84\.0 at 0:12\)$/);
  });

  it('names what was measured and why the rest was not', () => {
    expect(qualityMethodLines(method)).toEqual([
      'quality: luma PSNR and SSIM against the source at 1280x720 (bicubic), every frame, 300 frames per rung, 7.9 s (45% of the encode)',
      '  not measured: vmaf: this ffmpeg has no libvmaf',
      '  not measured: xpsnr: needs ffmpeg 7.1 or newer',
    ]);
    const withVmaf: QualityMethod = {
      ...method,
      metrics: ['psnr', 'ssim', 'vmaf'],
      unavailable: [method.unavailable[1]!],
    };
    expect(qualityMethodLines(withVmaf)[0]).toMatch(/^quality: luma PSNR, SSIM and VMAF against/);
  });
});
