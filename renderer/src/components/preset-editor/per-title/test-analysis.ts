import type { PerTitleAnalysis } from '../../../../../src/common/api/studio-api';

/**
 * A recorded-shape analysis for the editor's tests: 360p and 720p probed at three CRFs (a rate-quality
 * curve each, 720p the better one above about 700 kb/s), a minute of source, 6 s of analysis.
 */
export const TEST_ANALYSIS: PerTitleAnalysis = {
  jobId: 'job-1',
  fileName: 'clip.mp4',
  durationSec: 60,
  windows: [{ startSec: 5, durationSec: 2 }],
  points: [
    { width: 640, height: 360, crf: 23, kbps: 900, psnr: 40 },
    { width: 640, height: 360, crf: 28, kbps: 450, psnr: 37 },
    { width: 640, height: 360, crf: 33, kbps: 220, psnr: 34 },
    { width: 1280, height: 720, crf: 23, kbps: 2400, psnr: 43 },
    { width: 1280, height: 720, crf: 28, kbps: 1200, psnr: 40.5 },
    { width: 1280, height: 720, crf: 33, kbps: 600, psnr: 37.5 },
  ],
  top: { kbps: 1100, reason: 'flat' },
  rungs: [
    { width: 640, height: 360, bitrateKbps: 400, maxFrameRate: 30 },
    { width: 1280, height: 720, bitrateKbps: 1100 },
  ],
  predictedPsnr: [36.6, 40.1],
  bounds: { minKbps: 400, maxKbps: 2000, maxRungs: 2 },
  elapsedSec: 6,
};
