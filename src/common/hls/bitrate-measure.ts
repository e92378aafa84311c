/** A media segment as the packager sees it: its EXTINF duration and its size on disk. */
export interface SegmentSample {
  durationSec: number;
  bytes: number;
}

export interface MeasuredBitrate {
  /** Bits per second over the whole playlist (AVERAGE-BANDWIDTH). */
  average: number;
  /** The highest single-segment bit rate (BANDWIDTH, RFC 8216 4.3.4.2). */
  peak: number;
}

/** RFC 8216 4.3.4.2 definitions, measured from the segments that were actually written. */
export function measureBitrate(segments: SegmentSample[]): MeasuredBitrate {
  const totalBytes = segments.reduce((sum, s) => sum + s.bytes, 0);
  const totalSec = segments.reduce((sum, s) => sum + s.durationSec, 0);
  const peak = Math.max(
    0,
    ...segments.filter((s) => s.durationSec > 0).map((s) => (s.bytes * 8) / s.durationSec),
  );
  return { average: totalSec > 0 ? Math.round((totalBytes * 8) / totalSec) : 0, peak: Math.round(peak) };
}

/** Bit rates of renditions played together (a video variant and its audio) add up. */
export function addBitrates(a: MeasuredBitrate, b: MeasuredBitrate | undefined): MeasuredBitrate {
  return b ? { average: a.average + b.average, peak: a.peak + b.peak } : a;
}
