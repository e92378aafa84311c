import type { MeasuredBitrate } from './bitrate-measure.js';

export interface ByteRange {
  offset: number;
  length: number;
}

/** One I-frame of a media playlist: where its bytes are and how long it stands for. */
export interface IFrameEntry {
  uri: string;
  durationSec: number;
  /** Absent when the I-frame is a whole file of its own (encrypted packages). */
  byteRange?: ByteRange;
  /** Index of the media segment the I-frame comes from (its key, when encrypted). */
  segmentIndex: number;
}

/** BANDWIDTH of an I-frame playlist: the I-frame bytes over the time each stands for. */
export function iframeBitrate(entries: IFrameEntry[], bytesOf: (e: IFrameEntry) => number): MeasuredBitrate {
  const rates = entries.filter((e) => e.durationSec > 0).map((e) => (bytesOf(e) * 8) / e.durationSec);
  const total = entries.reduce((sum, e) => sum + bytesOf(e), 0);
  const seconds = entries.reduce((sum, e) => sum + e.durationSec, 0);
  return {
    average: seconds > 0 ? Math.round((total * 8) / seconds) : 0,
    peak: Math.round(Math.max(0, ...rates)),
  };
}
