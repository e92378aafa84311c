import type { StudioErrorData } from './errors.js';
import type { SourceInfo } from './media/source-info.js';
import type { EncodePlan } from './plan/encode-plan.js';
import type { QualityMethod, RungQuality } from './quality/quality-report.js';
import type { ValidationReport } from './validate/validation-report.js';

export interface PackagedVariant {
  uri: string;
  width?: number;
  height?: number;
  frameRate?: number;
  codecs: string[];
  /** Measured, bits per second, including the audio rendition played with it. */
  averageBandwidth: number;
  peakBandwidth: number;
  segments: number;
  iframePlaylist?: string;
  /** Measured against the source when the encode measured quality (quality-report.ts). */
  quality?: RungQuality;
}

export interface PackagedAudio {
  uri: string;
  name: string;
  language?: string;
  isDefault: boolean;
  codec: string;
  channels: number;
  averageBandwidth: number;
  peakBandwidth: number;
}

export interface PackagedSubtitle {
  uri: string;
  name: string;
  language?: string;
  isDefault: boolean;
  forced: boolean;
  cues: number;
}

export interface PackagedImages {
  posterJpeg: string;
  posterWebp: string;
  width: number;
  height: number;
  storyboard?: { vtt: string; sprites: string[]; intervalSec: number; tileWidth: number; tileHeight: number };
  preview?: string;
}

/** What a finished encode produced. */
export interface PackageResult {
  source: string;
  packageDir: string;
  multivariantPlaylist: string;
  videoJson: string;
  durationSec: number;
  targetDurationSec: number;
  variants: PackagedVariant[];
  audio: PackagedAudio[];
  subtitles: PackagedSubtitle[];
  images?: PackagedImages;
  /** Where the AES-128 keys were written (outside the package), when encrypted. */
  keysDir?: string;
  validation: ValidationReport;
  /** How the rungs' quality was measured, when it was (the figures are on each variant). */
  quality?: QualityMethod;
  sizeBytes: number;
  elapsedSec: number;
  notes: string[];
  warnings: string[];
  /** Every ffmpeg/ffprobe command that made the package, in order: a reproducible recipe. */
  commands: string[];
}

/** The event stream of one encode, in order: probed → analyzing* → planned → progress* → packaging →
 * media-settled → measuring* → assembling → validated → done | failed. */
export type EncodeEvent =
  | { type: 'probed'; source: SourceInfo }
  /** `--ladder auto`: probe encodes of the source, before the plan. */
  | { type: 'analyzing'; ratio: number }
  | {
      type: 'planned';
      plan: EncodePlan;
      commandLine: string;
      /** The hidden folder ffmpeg writes into until the package is committed (a live preview reads it). */
      stagingDir: string;
    }
  | {
      type: 'progress';
      ratio: number;
      outTimeSec: number;
      etaSec?: number;
      fps?: number;
      speed?: number;
    }
  | { type: 'packaging' }
  /**
   * ffmpeg is over and the audio refit done: the staged segment files stay as they are, read only, until
   * `assembling` (a live preview may serve every one of them meanwhile, the last included).
   */
  | { type: 'media-settled' }
  /** The package is being assembled from the staged files: tails folded, playlists written. */
  | { type: 'assembling' }
  /** Comparing every rung with the source (after the encode, before the package is assembled). */
  | { type: 'measuring'; ratio: number }
  | { type: 'validated'; report: ValidationReport }
  | { type: 'done'; result: PackageResult }
  | { type: 'failed'; error: StudioErrorData };
