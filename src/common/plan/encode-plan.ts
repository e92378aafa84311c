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

/** EBU R128 two-pass normalisation: the target, and what the first pass measured. */
export interface LoudnessPlan {
  targetLufs: number;
  truePeakDb: number;
  lra: number;
  measured?: LoudnessMeasurement;
}

/** What ffmpeg's loudnorm filter prints after a measuring pass (print_format=json). */
export interface LoudnessMeasurement {
  inputI: number;
  inputTp: number;
  inputLra: number;
  inputThresh: number;
  targetOffset: number;
}

/** One audio rendition (Apple 2.3: stereo AAC-LC), from one audio track of the source. */
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
  isDefault: boolean;
  loudness?: LoudnessPlan;
}

/** A text subtitle that becomes a WebVTT rendition. */
export interface SubtitlePlan {
  id: string;
  source: SubtitleSource;
  language?: string;
  name: string;
  isDefault: boolean;
  forced: boolean;
}

export type SubtitleSource = { kind: 'stream'; streamIndex: number } | { kind: 'file'; path: string };

/** One subtitle burnt into the picture of every rung. */
export interface BurnInPlan {
  source: SubtitleSource;
  /** DVB/PGS pictures are overlaid; text is rendered with libass. */
  bitmap: boolean;
}

export interface ImagesPlan {
  /** Poster at the top rung's size, picked by ffmpeg's `thumbnail` filter among evenly spread frames. */
  poster: { width: number; height: number; sampleFrames: number; sampleRate: string };
  storyboard?: { intervalSec: number; tileWidth: number; tileHeight: number; columns: number; rows: number };
  preview?: { startSec: number; durationSec: number; width: number; height: number; fps: number };
}

export interface EncryptionPlan {
  /** Key URI written in EXT-X-KEY; `{key}` is replaced by the key file name, `{package}` by the package name. */
  keyUriTemplate: string;
  /** New key every N segments; undefined = one key for the whole package. */
  rotateEverySegments?: number;
}

export interface VideoPlan {
  streamIndex: number;
  /** Filters applied once, before the split (deinterlace, tone-map, burn-in). */
  preFilters: string[];
  rungs: VideoRungPlan[];
  burnIn?: BurnInPlan;
  /** Seconds from the file's start to the first picture (see VideoInfo.startOffsetSec). */
  startOffsetSec: number;
  /**
   * The size the quality pass compares rungs at, when not the top rung's: a per-title ladder is compared
   * at the preset's top size, so its figures and the fixed ladder's share one reference.
   */
  qualityReference?: { width: number; height: number };
}

/** Everything the argument builder and packager need; pure data, made by ladder-plan.ts. */
export interface EncodePlan {
  input: string;
  /** Only this window of the input is read (an excerpt); `durationSec` is then the window's length. */
  inputWindow?: { startSec: number; durationSec: number };
  /**
   * Read no more than this many seconds of the input (no excerpt): the video's end + 1 s, so a damaged audio
   * track that claims or jumps to 3,000 s cannot pad the package with silence (issue 13).
   */
  durationCapSec?: number;
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
  audio: AudioPlan[];
  subtitles: SubtitlePlan[];
  images?: ImagesPlan;
  encryption?: EncryptionPlan;
  startBitrateKbps: number;
  /** What the plan did to the source, in words a creator understands. */
  notes: string[];
}
