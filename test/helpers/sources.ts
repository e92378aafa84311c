import type { SourceInfo, VideoInfo } from '../../src/common/media/source-info.js';

/** A synthetic probed source for pure planner tests; override what the test is about. */
export function source(video: Partial<VideoInfo> | undefined, extra: Partial<SourceInfo> = {}): SourceInfo {
  const width = video?.width ?? 1920;
  const height = video?.height ?? 1080;
  return {
    file: '/in/clip.mp4',
    formatName: 'mov,mp4,m4a,3gp,3g2,mj2',
    durationSec: 10,
    sizeBytes: 1_000_000,
    video:
      video === undefined
        ? undefined
        : {
            index: 0,
            codec: 'h264',
            width,
            height,
            sampleAspectRatio: { num: 1, den: 1 },
            rotation: 0,
            displayWidth: width,
            displayHeight: height,
            frameRate: { num: 30, den: 1 },
            vfr: false,
            pixelFormat: 'yuv420p',
            bitDepth: 8,
            dynamicRange: 'sdr',
            fieldOrder: 'progressive',
            interlaced: false,
            startOffsetSec: 0,
            ...video,
          },
    audio: [{ index: 1, codec: 'aac', channels: 2, sampleRate: 48000, isDefault: true }],
    subtitles: [],
    warnings: [],
    ...extra,
  };
}
