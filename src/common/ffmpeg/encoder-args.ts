import type { EncodePlan, VideoRungPlan } from '../plan/encode-plan.js';

/**
 * Per-rung video encoder options for output video stream `i` (`-c:v:i …`). Software encoders are the
 * tested path; hardware encoders get the equivalent rate-control and keyframe options of their wrappers.
 */
export function videoEncoderArgs(plan: EncodePlan, rung: VideoRungPlan, i: number): string[] {
  const s = `:v:${i}`;
  const rate =
    plan.rateControl === 'crf' && (plan.encoder === 'libx264' || plan.encoder === 'libx265')
      ? [`-crf${s}`, String(plan.crf)]
      : [`-b${s}`, `${rung.bitrateKbps}k`];
  const common = [
    `-c${s}`,
    plan.encoder,
    ...rate,
    `-maxrate${s}`,
    `${rung.maxBitrateKbps}k`,
    `-bufsize${s}`,
    `${rung.bufferKbits}k`,
    // Keyframes come from -force_key_frames at the same instants in every rung; the encoder's own GOP
    // limit is only a backstop, set wider so it never adds a keyframe between two forced ones.
    `-g${s}`,
    String(rung.gopFrames * 2),
  ];
  switch (plan.encoder) {
    case 'libx264':
      return [...common, `-preset${s}`, plan.speedPreset, `-profile${s}`, 'high', `-sc_threshold${s}`, '0'];
    case 'libx265':
      // hvc1, not hev1: Apple players want parameter sets in the sample description (HLS 1.10).
      return [
        ...common,
        `-preset${s}`,
        plan.speedPreset,
        `-tag${s}`,
        'hvc1',
        `-x265-params${s}`,
        'scenecut=0:open-gop=0:log-level=error',
      ];
    case 'h264_nvenc':
    case 'hevc_nvenc':
      return [
        ...common,
        `-preset${s}`,
        'p5',
        `-rc${s}`,
        'vbr',
        `-forced-idr${s}`,
        '1',
        `-no-scenecut${s}`,
        '1',
      ];
    case 'h264_qsv':
    case 'hevc_qsv':
      return [...common, `-preset${s}`, 'medium', `-forced_idr${s}`, '1'];
    case 'h264_videotoolbox':
    case 'hevc_videotoolbox':
      return [...common, `-realtime${s}`, '0', `-allow_sw${s}`, '1'];
    default:
      return common;
  }
}

/** Encoders the argument builder knows how to drive, by codec. */
export const KNOWN_ENCODERS = {
  h264: ['libx264', 'h264_videotoolbox', 'h264_nvenc', 'h264_qsv'],
  hevc: ['libx265', 'hevc_videotoolbox', 'hevc_nvenc', 'hevc_qsv'],
} as const;
