import { describe, expect, it } from 'vitest';
import { measuredLine, unmeasuredLine } from './quality-method';
import { TWO_RUNGS, WITH_VMAF } from './test-figures';

describe('measuredLine', () => {
  it('names the metrics, the reference size and scaler, the sampling, the frames and the cost', () => {
    expect(measuredLine(TWO_RUNGS.method)).toBe(
      "Luma PSNR and SSIM against the source, both scaled to 480x270 (bicubic), every frame: 300 frames per rung, measured in 7.9 s (205% of the encode's time).",
    );
  });
  it('says 1 frame in N when sampled, and leaves out the share when the encode time is unknown', () => {
    const { shareOfEncode: _s, ...method } = TWO_RUNGS.method;
    expect(measuredLine({ ...method, sampleEvery: 5, measuredFrames: 3600 })).toBe(
      'Luma PSNR and SSIM against the source, both scaled to 480x270 (bicubic), 1 frame in 5: 3,600 frames per rung, measured in 7.9 s.',
    );
  });
});

describe('measuredLine with VMAF', () => {
  it('lists every measured metric', () => {
    expect(measuredLine(WITH_VMAF.method)).toMatch(/^Luma PSNR, SSIM and VMAF against the source, /);
  });
});

describe('unmeasuredLine', () => {
  it('names each metric that was not measured, with the reason', () => {
    expect(unmeasuredLine(TWO_RUNGS.method.unavailable)).toBe(
      'Not measured: VMAF (this ffmpeg has no libvmaf); XPSNR (needs ffmpeg 7.1 or newer).',
    );
    expect(unmeasuredLine([])).toBeUndefined();
  });
});
