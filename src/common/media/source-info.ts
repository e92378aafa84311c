import type { Rational } from './rational.js';

export type Rotation = 0 | 90 | 180 | 270;
export type DynamicRange = 'sdr' | 'pq' | 'hlg';
export type FieldOrder = 'progressive' | 'tff' | 'bff' | 'unknown';

/** The picture as ffprobe describes it, plus what it looks like on screen. */
export interface VideoInfo {
  /** Absolute stream index in the file (for `-map 0:N`). */
  index: number;
  codec: string;
  profile?: string;
  /** Coded (stored) size. */
  width: number;
  height: number;
  sampleAspectRatio: Rational;
  /** Clockwise rotation a player applies (from the display matrix). */
  rotation: Rotation;
  /** Size on screen after SAR and rotation: what the ladder is planned from. */
  displayWidth: number;
  displayHeight: number;
  rFrameRate?: Rational;
  avgFrameRate?: Rational;
  /** Output rate before per-rung caps (see frame-rate.ts). */
  frameRate: Rational;
  vfr: boolean;
  pixelFormat: string;
  bitDepth: number;
  colorTransfer?: string;
  colorPrimaries?: string;
  colorSpace?: string;
  colorRange?: string;
  dynamicRange: DynamicRange;
  fieldOrder: FieldOrder;
  /** Deinterlace before scaling (interlaced or not known to be progressive). */
  interlaced: boolean;
  /**
   * Seconds from the file's start to the first picture. ffmpeg counts time from the file's start, while
   * subtitles are shown relative to the picture: embedded cues are shifted by this much.
   */
  startOffsetSec: number;
  /**
   * The video stream's own length: its track header (MP4, AVI), the timestamps (TS) or Matroska's DURATION
   * tag; undefined when the container does not say. What an encode is capped to (see ladder-plan.ts).
   */
  durationSec?: number;
}

export interface AudioInfo {
  index: number;
  codec: string;
  profile?: string;
  channels: number;
  channelLayout?: string;
  sampleRate: number;
  language?: string;
  title?: string;
  isDefault: boolean;
}

export interface SubtitleInfo {
  index: number;
  codec: string;
  language?: string;
  title?: string;
  /** DVB/PGS/VobSub pictures: cannot become WebVTT without OCR. */
  bitmap: boolean;
  forced: boolean;
  isDefault: boolean;
}

/** Everything the planner needs to know about one input file. */
export interface SourceInfo {
  file: string;
  formatName: string;
  durationSec: number;
  sizeBytes: number;
  bitRate?: number;
  video?: VideoInfo;
  audio: AudioInfo[];
  subtitles: SubtitleInfo[];
  /** What ffprobe warned about while reading the file ("partial file", "non-existing PPS"). */
  warnings: string[];
}
