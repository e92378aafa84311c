import { PSNR_CAP_DB, type MetricSummary } from './quality-report.js';

/**
 * Per-frame luma values from the stats files of ffmpeg's psnr and ssim filters, one line per compared
 * frame: `n:12 mse_avg:… psnr_y:37.09 …` and `n:12 Y:0.895984 U:… All:… (…)`. Identical frames give
 * `psnr_y:inf`, capped at PSNR_CAP_DB.
 */
export function parsePsnrStats(text: string): number[] {
  return valuesOf(text, /\bpsnr_y:(inf|[\d.]+)/, cappedDb);
}

export function parseSsimStats(text: string): number[] {
  return valuesOf(text, /\bY:([\d.]+)/, Number);
}

/**
 * Per-frame luma XPSNR from the xpsnr filter's stats file (ffmpeg 7.1, libavfilter/vf_xpsnr.c), one
 * line per frame, `n:    1  XPSNR y: 40.1234  XPSNR u: 41.0000  XPSNR v: 42.0000`, then a closing
 * `XPSNR average, N frames  y: …` line that is not a frame. Identical frames print `inf`, capped at
 * PSNR_CAP_DB as PSNR is.
 */
export function parseXpsnrStats(text: string): number[] {
  return valuesOf(text, /^n:\s*\d+\s+XPSNR y:\s*(inf|[\d.]+)/, cappedDb);
}

/**
 * Per-frame VMAF from libvmaf's JSON log, in frame order. libvmaf v1 (ffmpeg 4) and v2 (ffmpeg 5 and
 * later) both write `{"frames":[{"frameNum":0,"metrics":{…,"vmaf":94.2}}, …]}`. A log that is not
 * whole JSON (a run killed while writing it) holds no values.
 */
export function parseVmafLog(text: string): number[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return [];
  }
  const frames = (json as { frames?: unknown } | null)?.frames;
  if (!Array.isArray(frames)) return [];
  return frames
    .map((f: { frameNum?: unknown; metrics?: { vmaf?: unknown } } | null) => ({
      n: typeof f?.frameNum === 'number' ? f.frameNum : Number.NaN,
      vmaf: f?.metrics?.vmaf,
    }))
    .filter((f): f is { n: number; vmaf: number } => Number.isFinite(f.n) && typeof f.vmaf === 'number')
    .sort((a, b) => a.n - b.n)
    .map((f) => f.vmaf);
}

/** A printed decibel figure as a number: `inf` (identical pictures) and anything above are PSNR_CAP_DB. */
const cappedDb = (v: string) => (v === 'inf' ? PSNR_CAP_DB : Math.min(PSNR_CAP_DB, Number(v)));

function valuesOf(text: string, pattern: RegExp, toValue: (v: string) => number): number[] {
  const values: number[] = [];
  // Only whole lines: a last line without its newline was cut short (a run killed while writing).
  for (const line of text.split('\n').slice(0, -1)) {
    const match = pattern.exec(line);
    if (match) values.push(toValue(match[1]!));
  }
  return values;
}

/**
 * Per rung and metric: frame k of the measured ones shows the instant `k × frameStepSec`; it counts in
 * the segment whose time span holds that instant (segments from the rung's final media playlist).
 */
export function summarize(
  values: number[],
  frameStepSec: number,
  segmentDurationsSec: number[],
): MetricSummary {
  const starts: number[] = [];
  let t = 0;
  for (const d of segmentDurationsSec) {
    starts.push(t);
    t += d;
  }
  const sums = segmentDurationsSec.map(() => 0);
  const counts = segmentDurationsSec.map(() => 0);
  let segment = 0;
  values.forEach((value, k) => {
    const at = k * frameStepSec + 1e-6;
    while (segment + 1 < starts.length && at >= starts[segment + 1]!) segment++;
    sums[segment]! += value;
    counts[segment]!++;
  });
  // A segment no measured frame fell in (a sub-second tail) takes its neighbour's value.
  const perSegment: number[] = [];
  sums.forEach((sum, i) => {
    perSegment.push(counts[i] ? round(sum / counts[i]!) : (perSegment[i - 1] ?? round(mean(values))));
  });
  let worst = 0;
  perSegment.forEach((v, i) => {
    if (v < perSegment[worst]!) worst = i;
  });
  return {
    mean: round(mean(values)),
    worst: {
      segment: worst,
      startSec: round(starts[worst] ?? 0),
      value: perSegment[worst] ?? round(mean(values)),
    },
    p5: round(percentile(values, 0.05)),
    perSegment,
  };
}

const mean = (values: number[]) => (values.length ? values.reduce((a, b) => a + b, 0) / values.length : 0);

/** Nearest-rank percentile. */
function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]!;
}

/** Four decimals: SSIM differences live in the third; more would be noise in video.json. */
const round = (v: number) => Math.round(v * 10_000) / 10_000;
