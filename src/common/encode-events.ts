import type { StudioErrorData } from './errors.js';
import type { SourceInfo } from './media/source-info.js';
import type { EncodePlan } from './plan/encode-plan.js';

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
}

/** What a finished encode produced. */
export interface PackageResult {
  source: string;
  packageDir: string;
  multivariantPlaylist: string;
  durationSec: number;
  targetDurationSec: number;
  variants: PackagedVariant[];
  audio?: {
    uri: string;
    codec: string;
    averageBandwidth: number;
    peakBandwidth: number;
    name: string;
    language?: string;
  };
  sizeBytes: number;
  elapsedSec: number;
  notes: string[];
  warnings: string[];
  commandLine: string;
}

/** The event stream of one encode, in order: probed → planned → progress* → packaging → done | failed. */
export type EncodeEvent =
  | { type: 'probed'; source: SourceInfo }
  | { type: 'planned'; plan: EncodePlan; commandLine: string }
  | {
      type: 'progress';
      ratio: number;
      outTimeSec: number;
      etaSec?: number;
      fps?: number;
      speed?: number;
    }
  | { type: 'packaging' }
  | { type: 'done'; result: PackageResult }
  | { type: 'failed'; error: StudioErrorData };
