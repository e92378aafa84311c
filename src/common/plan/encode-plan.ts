import type { Rational } from '../media/rational.js';
import type { SegmentFormat, SpeedPreset, VideoCodec } from '../presets/preset-schema.js';

/** One video variant as it will be encoded. */
export interface VideoRungPlan {
  /** Folder name inside the package, made by the app (never from a user's file name). */
  id: string;
  width: number;
  height: number;
  frameRate: Rational;
  /** Keyframe interval in frames of this rung's own rate. */
  gopFrames: number;
  bitrateKbps: number;
  maxBitrateKbps: number;
  bufferKbits: number;
}

export interface AudioPlan {
  id: string;
  /** Absolute stream index in the source. */
  streamIndex: number;
  bitrateKbps: number;
  sampleRate: number;
  channels: 2;
  sourceChannels: number;
  language?: string;
  name: string;
}

export interface VideoPlan {
  streamIndex: number;
  /** Filters applied once, before the split (deinterlace, tone-map). */
  preFilters: string[];
  rungs: VideoRungPlan[];
}

/** Everything the argument builder and packager need; pure data, made by ladder-plan.ts. */
export interface EncodePlan {
  input: string;
  durationSec: number;
  codec: VideoCodec;
  encoder: string;
  speedPreset: SpeedPreset;
  rateControl: 'vbr' | 'crf';
  crf: number;
  format: SegmentFormat;
  segmentDurationSec: number;
  /** At most 2 s (Apple 1.13) and a whole fraction of the segment duration, so every segment starts on one. */
  keyframeIntervalSec: number;
  video?: VideoPlan;
  audio?: AudioPlan;
  startBitrateKbps: number;
  /** What the plan did to the source, in words a creator understands. */
  notes: string[];
}
