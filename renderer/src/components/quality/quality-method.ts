import { metricList, type QualityMethod } from '../../../../src/common/quality/quality-report';

/**
 * How the figures were made, in one sentence: "Luma PSNR and SSIM against the source, both scaled to
 * 1920x1080 (bicubic), every frame: 300 frames per rung, measured in 7.9 s (45% of the encode's time)."
 */
export function measuredLine(method: QualityMethod): string {
  const metrics = metricList(method.metrics);
  const { width, height, scaler } = method.reference;
  const sampling = method.sampleEvery > 1 ? `1 frame in ${method.sampleEvery}` : 'every frame';
  const share =
    method.shareOfEncode === undefined
      ? ''
      : ` (${Math.round(method.shareOfEncode * 100)}% of the encode's time)`;
  return (
    `Luma ${metrics} against the source, both scaled to ${width}x${height} (${scaler}), ${sampling}: ` +
    `${method.measuredFrames.toLocaleString('en')} frames per rung, measured in ${method.elapsedSec.toFixed(1)} s${share}.`
  );
}

/** "Not measured: VMAF (this ffmpeg has no libvmaf); XPSNR (needs ffmpeg 7.1 or newer)." or nothing. */
export function unmeasuredLine(unavailable: string[]): string | undefined {
  if (unavailable.length === 0) return undefined;
  const items = unavailable.map((entry) => {
    const [name = '', ...reason] = entry.split(':');
    return reason.length ? `${name.trim().toUpperCase()} (${reason.join(':').trim()})` : entry;
  });
  return `Not measured: ${items.join('; ')}.`;
}
