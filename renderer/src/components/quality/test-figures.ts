import type { PackageQuality } from './quality-figures';

/** A two-rung package's figures as `hls-studio encode` measured them on a 10 s testsrc2 clip. */
export const TWO_RUNGS: PackageQuality = {
  durationSec: 10,
  method: {
    metrics: ['psnr', 'ssim'],
    unavailable: ['vmaf: this ffmpeg has no libvmaf', 'xpsnr: needs ffmpeg 7.1 or newer'],
    reference: { width: 480, height: 270, scaler: 'bicubic' },
    sampleEvery: 1,
    measuredFrames: 300,
    elapsedSec: 7.86,
    shareOfEncode: 2.045,
  },
  rungs: [
    {
      number: 1,
      uri: 'v0-180p/index.m3u8',
      width: 320,
      height: 180,
      averageBandwidth: 439657,
      quality: {
        psnr: {
          mean: 32.082,
          worst: { segment: 1, startSec: 6, value: 31.7773 },
          p5: 31.49,
          perSegment: [32.2852, 31.7773],
        },
        ssim: {
          mean: 0.9113,
          worst: { segment: 1, startSec: 6, value: 0.9063 },
          p5: 0.8988,
          perSegment: [0.9146, 0.9063],
        },
      },
    },
    {
      number: 2,
      uri: 'v1-270p/index.m3u8',
      width: 480,
      height: 270,
      averageBandwidth: 696389,
      quality: {
        psnr: {
          mean: 39.7918,
          worst: { segment: 0, startSec: 0, value: 39.3267 },
          p5: 38.7,
          perSegment: [39.3267, 40.1018],
        },
        ssim: {
          mean: 0.9793,
          worst: { segment: 1, startSec: 6, value: 0.978 },
          p5: 0.9744,
          perSegment: [0.9802, 0.978],
        },
      },
    },
  ],
};

/** The same package as if its ffmpeg had libvmaf (made-up VMAF figures in the shape libvmaf's give). */
export const WITH_VMAF: PackageQuality = {
  ...TWO_RUNGS,
  method: {
    ...TWO_RUNGS.method,
    metrics: ['psnr', 'ssim', 'vmaf'],
    unavailable: ['xpsnr: needs ffmpeg 7.1 or newer'],
  },
  rungs: TWO_RUNGS.rungs.map((r, i) => ({
    ...r,
    quality: {
      ...r.quality,
      vmaf: [
        { mean: 71.32, worst: { segment: 1, startSec: 6, value: 68.2 }, p5: 64.9, perSegment: [73.4, 68.2] },
        {
          mean: 86.91,
          worst: { segment: 0, startSec: 0, value: 85.75 },
          p5: 82.1,
          perSegment: [85.75, 88.3],
        },
      ][i],
    },
  })),
};
