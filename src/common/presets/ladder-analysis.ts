import { capFrameRate } from '../media/frame-rate.js';
import { toNumber } from '../media/rational.js';
import { fitInside } from '../plan/ladder-plan.js';
import type { Preset, Rung, VideoCodec } from './preset-schema.js';

/**
 * What a ladder will cost and where it breaks the Apple HLS Authoring Spec, computed from a preset alone
 * (and, when known, the source's size and rate). Pure: the preset editor calls it on every keystroke.
 * Numbers only; formatting is the UI's job.
 */

export const DEFAULT_SOURCE_FPS = 30;
/** S3 Standard storage and internet egress, first tier (2026 list prices); the user edits them. */
export const DEFAULT_STORAGE_PRICE_PER_GB_MONTH = 0.023;
export const DEFAULT_EGRESS_PRICE_PER_GB = 0.09;
/** Cloud stores bill "GB" as 2^30 bytes (S3 and GCS both say so in their pricing notes). */
export const BILLING_GB = 2 ** 30;
/** Below this step up in bit rate two rungs look alike to a viewer and a player flaps between them. */
export const TIGHT_SPACING_RATIO = 1.5;
/** Above this a player dropping one rung loses a visible step of quality: a gap worth filling. */
export const GAP_SPACING_RATIO = 2.5;
/** The planner's VBV peak when a rung sets none (ladder-plan.ts VBV_PEAK_RATIO). */
export const DEFAULT_PEAK_RATIO = 1.5;
/** Apple HLS 1.32: the first-listed (start) variant at about this rate. */
export const APPLE_START_KBPS = 2000;

/** Apple's reference ladders (HLS Authoring Spec 1.25 and its HEVC table), for the chart and comparisons. */
export const APPLE_LADDERS: Record<VideoCodec, readonly { width: number; height: number; kbps: number }[]> = {
  h264: [
    { width: 416, height: 234, kbps: 145 },
    { width: 640, height: 360, kbps: 365 },
    { width: 768, height: 432, kbps: 730 },
    { width: 768, height: 432, kbps: 1100 },
    { width: 960, height: 540, kbps: 2000 },
    { width: 1280, height: 720, kbps: 3000 },
    { width: 1280, height: 720, kbps: 4500 },
    { width: 1920, height: 1080, kbps: 6000 },
    { width: 1920, height: 1080, kbps: 7800 },
  ],
  hevc: [
    { width: 640, height: 360, kbps: 145 },
    { width: 768, height: 432, kbps: 300 },
    { width: 960, height: 540, kbps: 600 },
    { width: 960, height: 540, kbps: 900 },
    { width: 960, height: 540, kbps: 1600 },
    { width: 1280, height: 720, kbps: 2400 },
    { width: 1280, height: 720, kbps: 3400 },
    { width: 1920, height: 1080, kbps: 4500 },
    { width: 1920, height: 1080, kbps: 5800 },
    { width: 2560, height: 1440, kbps: 8100 },
    { width: 3840, height: 2160, kbps: 11600 },
    { width: 3840, height: 2160, kbps: 16800 },
  ],
};

/**
 * Rough bits-per-pixel band where a rung neither starves nor wastes bits (a rule of thumb, not a spec:
 * Apple's own H.264 ladder runs 0.05-0.13 at 30 fps, its HEVC ladder about 40% lower).
 */
export const BPP_BAND: Record<VideoCodec, { low: number; high: number }> = {
  h264: { low: 0.04, high: 0.2 },
  hevc: { low: 0.02, high: 0.14 },
};

/** The picture as displayed (after rotation and SAR): what rungs are fitted to. */
export interface SourceSize {
  width: number;
  height: number;
}

/**
 * How much a finding matters. A `problem` is something the user should change: the package would break an
 * Apple "must", or spend bits where they buy nothing. A `note` is context (what the planner will do, a
 * rule of thumb a deliberate ladder may depart from): shown quietly, never as a warning. No built-in
 * preset may raise a problem (ladder-analysis.test.ts checks every one of them).
 */
export type Severity = 'problem' | 'note';

export interface LadderNote {
  severity: Severity;
  /** Stable id for tests and keys, e.g. "apple-1.30" or "spacing-tight". */
  code: string;
  message: string;
  /** Indexes into `preset.rungs` the note is about (the editor marks a problem's rungs). */
  rungs?: number[];
}

/**
 * The frame rate a rung is encoded at: the source rate, divided down under the rung's cap exactly as the
 * planner does (a 50 fps source under a 30 fps cap becomes 25, not 30).
 */
export function rungFrameRate(rung: Pick<Rung, 'maxFrameRate'>, sourceFps = DEFAULT_SOURCE_FPS): number {
  if (!(sourceFps > 0)) return NaN;
  const source = { num: Math.round(sourceFps * 1000), den: 1000 };
  return toNumber(capFrameRate(source, rung.maxFrameRate));
}

/** Average bits per pixel per frame: bit rate / (width × height × fps). NaN when the rung has no area. */
export function bitsPerPixel(
  rung: Pick<Rung, 'width' | 'height' | 'bitrateKbps' | 'maxFrameRate'>,
  sourceFps = DEFAULT_SOURCE_FPS,
): number {
  const pixelsPerSec = rung.width * rung.height * rungFrameRate(rung, sourceFps);
  return pixelsPerSec > 0 ? (rung.bitrateKbps * 1000) / pixelsPerSec : NaN;
}

/** The VBV peak a rung is encoded with: its own, or the planner's default of 1.5x the average. */
export function peakKbps(rung: Pick<Rung, 'bitrateKbps' | 'maxBitrateKbps'>): number {
  return rung.maxBitrateKbps ?? Math.round(rung.bitrateKbps * DEFAULT_PEAK_RATIO);
}

/** Indexes of `rungs` sorted by average bit rate, lowest first (stable for equal rates). */
export function byBitrate(rungs: readonly Pick<Rung, 'bitrateKbps'>[]): number[] {
  return rungs.map((_, i) => i).sort((a, b) => rungs[a]!.bitrateKbps - rungs[b]!.bitrateKbps || a - b);
}

export interface RungStep {
  /** Index (into the input) of the lower rung of the pair. */
  lower: number;
  upper: number;
  /** upper / lower average bit rate. */
  ratio: number;
  status: 'tight' | 'ok' | 'gap';
}

/** Each step between neighbours by bit rate: tight below 1.5x, a gap above 2.5x. */
export function rungSpacing(rungs: readonly Pick<Rung, 'bitrateKbps'>[]): RungStep[] {
  const order = byBitrate(rungs);
  return order.slice(1).map((upper, k) => {
    const lower = order[k]!;
    const ratio = rungs[upper]!.bitrateKbps / rungs[lower]!.bitrateKbps;
    const status = ratio < TIGHT_SPACING_RATIO ? 'tight' : ratio > GAP_SPACING_RATIO ? 'gap' : 'ok';
    return { lower, upper, ratio, status };
  });
}

export interface RungFit {
  /** Larger than the source once turned to its orientation: the planner drops it (no upscaling). */
  skipped: boolean;
  /** The size the planner encodes it at: the rung's box turned and fitted to the source's aspect. */
  width: number;
  height: number;
}

export interface SourceFit {
  fits: RungFit[];
  /**
   * Every rung is larger than the source: the planner encodes one rung at the source's own size instead,
   * at the lowest rung's rate scaled by the pixel ratio^0.75 (ladder-plan.ts).
   */
  fallback?: { width: number; height: number; bitrateKbps: number };
}

/**
 * Which rungs a source of this size keeps. Orientation-aware: a 1080x1920 phone video keeps a 1920x1080
 * rung (long side against long side), and a 4:3 source keeps 1920x1080 as 1440x1080. Same rule as the planner.
 */
export function fitRungsToSource(
  rungs: readonly Pick<Rung, 'width' | 'height' | 'bitrateKbps'>[],
  source: SourceSize,
): SourceFit {
  const display = { displayWidth: source.width, displayHeight: source.height };
  const fits = rungs.map((rung) => {
    const size = fitInside(display, rung.width, rung.height);
    // +1: the planner's tolerance for odd source sizes rounded to even.
    const skipped = size.width > source.width + 1 || size.height > source.height + 1;
    return { skipped, ...size };
  });
  const lowest = rungs[byBitrate(rungs)[0] ?? -1];
  if (!lowest || fits.some((f) => !f.skipped)) return { fits };
  const size = fitInside(display, source.width, source.height, 'down');
  const pixelRatio = (size.width * size.height) / (lowest.width * lowest.height);
  const bitrateKbps = Math.max(64, Math.round(lowest.bitrateKbps * Math.pow(pixelRatio, 0.75)));
  return { fits, fallback: { ...size, bitrateKbps } };
}

/**
 * The variant listed first in the multivariant playlist (the one players start on): the kept rung whose
 * average is nearest `startBitrateKbps`, first in preset order on a tie (multivariant-writer.ts).
 */
export function startVariantIndex(
  rungs: readonly Pick<Rung, 'bitrateKbps'>[],
  startBitrateKbps: number,
  kept: readonly number[] = rungs.map((_, i) => i),
): number | undefined {
  let best: number | undefined;
  for (const i of kept) {
    const distance = Math.abs(rungs[i]!.bitrateKbps - startBitrateKbps);
    if (best === undefined || distance < Math.abs(rungs[best]!.bitrateKbps - startBitrateKbps)) best = i;
  }
  return best;
}

export interface AnalysisOptions {
  /** Frames per second of the source; the rung caps apply to it. Default 30. */
  sourceFps?: number;
  /** The source's displayed size: rungs above it are skipped. Unknown: every rung is kept. */
  source?: SourceSize;
}

/** Frame-rate caps a low rung should have (Apple 1.25: <= 30 fps up to 768x432 / 1100 kb/s). */
const LOW_RUNG_MAX_SHORT_SIDE = 432;
const LOW_RUNG_MAX_FPS = 30;
/** Apple 1.30: VOD peak bit rate at most 200% of the average. */
const MAX_PEAK_TO_AVERAGE = 2;
/** Apple 2.3: stereo AAC-LC between 32 and 160 kb/s. */
const AUDIO_KBPS = { min: 32, max: 160 };
/** Apple 7.5, 7.6: target and nominal segment duration 6 s. */
const APPLE_SEGMENT_SEC = 6;
/** Apple 1.13: an IDR at least every 2 s (the planner places them segment / ceil(segment / 2) apart). */
const MAX_KEYFRAME_INTERVAL_SEC = 2;

/** The Apple HLS Authoring Spec rules a preset alone can break, each citing its item number. */
export function appleWarnings(preset: Preset, options: AnalysisOptions = {}): LadderNote[] {
  const notes: LadderNote[] = [];
  const sourceFps = options.sourceFps ?? DEFAULT_SOURCE_FPS;
  const { rungs } = preset;

  // Problem: the planner packages HEVC as fMP4 anyway, so the preset's TS setting is silently not kept.
  if (preset.video.codec === 'hevc' && preset.segment.format !== 'fmp4') {
    notes.push({
      severity: 'problem',
      code: 'apple-1.10',
      message: 'HEVC must be packaged as fMP4, not TS (Apple HLS 1.10)',
    });
  }

  const uncapped = rungs
    .map((r, i) => ({ r, i }))
    .filter(({ r }) => Math.min(r.width, r.height) <= LOW_RUNG_MAX_SHORT_SIDE)
    .filter(({ r }) => r.maxFrameRate === undefined || r.maxFrameRate > LOW_RUNG_MAX_FPS);
  // A problem only when the source (or the rate assumed for it) is faster than 30 fps: then low rungs
  // really are encoded at full rate. At 30 fps or less the missing cap changes nothing: a note.
  if (uncapped.length > 0) {
    const fast = sourceFps > LOW_RUNG_MAX_FPS * 1.001;
    notes.push({
      severity: fast ? 'problem' : 'note',
      code: 'apple-1.25-fps',
      message:
        `${list(uncapped.map(({ i }) => i))} at 432p or below should be capped at 30 fps (Apple HLS 1.25)` +
        (fast ? `: a ${round(sourceFps, 2)} fps source would be encoded at full rate` : ''),
      rungs: uncapped.map(({ i }) => i),
    });
  }

  const peaky = rungs
    .map((r, i) => ({ r, i }))
    .filter(({ r }) => peakKbps(r) > r.bitrateKbps * MAX_PEAK_TO_AVERAGE);
  // Problem: a "must" of the spec for VOD.
  if (peaky.length > 0) {
    notes.push({
      severity: 'problem',
      code: 'apple-1.30',
      message: `${list(peaky.map(({ i }) => i))}: max bit rate above 200% of the average; VOD peak must stay within 200% (Apple HLS 1.30)`,
      rungs: peaky.map(({ i }) => i),
    });
  }

  // Notes: other segment lengths are valid HLS (Apple's 6 s is a target), and keyframes are placed by
  // the planner, never by the preset.
  const segment = preset.segment.durationSec;
  if (segment !== APPLE_SEGMENT_SEC) {
    notes.push({
      severity: 'note',
      code: 'apple-7.5',
      message: `Segments of ${segment} s; Apple targets 6 s (Apple HLS 7.5, 7.6)`,
    });
  }
  if (segment > 0) {
    const keyframeSec = segment / Math.ceil(segment / MAX_KEYFRAME_INTERVAL_SEC);
    notes.push({
      severity: 'note',
      code: 'apple-1.13',
      message: `Keyframes every ${round(keyframeSec, 2)} s, each segment starting on one (Apple HLS 1.13, 7.4)`,
    });
  }

  const kept = options.source
    ? fitRungsToSource(rungs, options.source)
        .fits.map((f, i) => (f.skipped ? -1 : i))
        .filter((i) => i >= 0)
    : undefined;
  // A note, even when far from 2000 kb/s: 1.32 is a "should" tuned for Wi-Fi, and a ladder for cellular
  // viewers (mobile-light) or a small top rung (web-compact's tie at 1200 kb/s) starts lower on purpose.
  const start = startVariantIndex(rungs, preset.startBitrateKbps, kept);
  if (start !== undefined) {
    const kbps = rungs[start]!.bitrateKbps;
    const off = kbps < APPLE_START_KBPS / 1.5 || kbps > APPLE_START_KBPS * 1.5;
    notes.push({
      severity: 'note',
      code: 'apple-1.32',
      message: `Players start on rung ${start + 1} (${kbps} kb/s)${off ? '; Apple suggests a first variant of about 2000 kb/s' : ', near the 2000 kb/s Apple suggests'} (Apple HLS 1.32)`,
      rungs: [start],
    });
  }

  // Problem: outside the spec's range for stereo AAC-LC.
  const audio = preset.audio.bitrateKbps;
  if (audio < AUDIO_KBPS.min || audio > AUDIO_KBPS.max) {
    notes.push({
      severity: 'problem',
      code: 'apple-2.3',
      message: `Audio at ${audio} kb/s; stereo AAC-LC should be 32-160 kb/s (Apple HLS 2.3)`,
    });
  }
  return notes;
}

/**
 * Findings on the ladder's shape: bit-rate inversions, spacing, bits per pixel, skipped rungs.
 * Heuristics, not spec rules, so only an inversion (bits that buy nothing) or a source that collapses the
 * ladder to one rung is a problem.
 */
export function shapeNotes(preset: Preset, options: AnalysisOptions = {}): LadderNote[] {
  const notes: LadderNote[] = [...bitsInversions(preset.rungs)];
  const sourceFps = options.sourceFps ?? DEFAULT_SOURCE_FPS;
  // Notes, both: Apple's own H.264 ladder steps 1.3x between its top rungs (more bits where the
  // picture is largest), and a gap is a choice of how many rungs to pay for.
  for (const step of rungSpacing(preset.rungs)) {
    if (step.status === 'ok') continue;
    const pair = `rungs ${step.lower + 1} → ${step.upper + 1}`;
    notes.push(
      step.status === 'tight'
        ? {
            severity: 'note',
            code: 'spacing-tight',
            message: `${pair} only ${round(step.ratio, 2)}x apart: under 1.5x viewers hardly see the step, yet it costs a whole rung`,
            rungs: [step.lower, step.upper],
          }
        : {
            severity: 'note',
            code: 'spacing-gap',
            message: `${pair} are ${round(step.ratio, 2)}x apart: a gap a rung in between would fill`,
            rungs: [step.lower, step.upper],
          },
    );
  }
  // Notes: the band is a rule of thumb; the picture decides.
  const band = BPP_BAND[preset.video.codec];
  preset.rungs.forEach((rung, i) => {
    const bpp = bitsPerPixel(rung, sourceFps);
    if (!Number.isFinite(bpp)) return;
    if (bpp < band.low || bpp > band.high) {
      notes.push({
        severity: 'note',
        code: bpp < band.low ? 'bpp-low' : 'bpp-high',
        message: `Rung ${i + 1}: ${round(bpp, 3)} bits per pixel is ${bpp < band.low ? 'low (blocky in motion)' : 'high (bits a lower rate would not miss)'} for ${preset.video.codec.toUpperCase()}`,
        rungs: [i],
      });
    }
  });
  if (options.source) {
    const { fits, fallback } = fitRungsToSource(preset.rungs, options.source);
    const skipped = fits.map((f, i) => (f.skipped ? i : -1)).filter((i) => i >= 0);
    const size = `${options.source.width}x${options.source.height}`;
    // A problem: this source gets a one-rung package, no adaptive streaming at all. Skipped rungs are a
    // note: the planner never upscales, and the rest of the ladder still adapts.
    if (fallback) {
      notes.push({
        severity: 'problem',
        code: 'source-smaller',
        message: `The ${size} source is smaller than every rung: one rung at ${fallback.width}x${fallback.height}, ${fallback.bitrateKbps} kb/s instead`,
        rungs: skipped,
      });
    } else if (skipped.length > 0) {
      notes.push({
        severity: 'note',
        code: 'source-skips',
        message: `${list(skipped)} above the ${size} source will be skipped (no upscaling)`,
        rungs: skipped,
      });
    }
  }
  return notes;
}

/**
 * Bits inversion, a problem: a rung with fewer pixels but a higher average bit rate than a larger rung.
 * A player climbing by bandwidth (RFC 8216 4.3.4.2 BANDWIDTH) pays more for the smaller picture, and the
 * larger rung starves. One finding per smaller rung, naming the larger rungs it outspends.
 */
export function bitsInversions(
  rungs: readonly Pick<Rung, 'width' | 'height' | 'bitrateKbps'>[],
): LadderNote[] {
  const pixels = rungs.map((r) => r.width * r.height);
  const notes: LadderNote[] = [];
  rungs.forEach((small, i) => {
    if (!(pixels[i]! > 0) || !Number.isFinite(small.bitrateKbps)) return;
    const larger = rungs
      .map((big, j) => j)
      .filter((j) => pixels[j]! > pixels[i]! && rungs[j]!.bitrateKbps < small.bitrateKbps);
    if (larger.length === 0) return;
    const names = larger.map(
      (j) => `${j + 1} (${rungs[j]!.width}x${rungs[j]!.height}, ${rungs[j]!.bitrateKbps} kb/s)`,
    );
    notes.push({
      severity: 'problem',
      code: 'bits-inversion',
      message: `Rung ${i + 1} (${small.width}x${small.height}, ${small.bitrateKbps} kb/s) gets more bits than the larger rung${larger.length === 1 ? '' : 's'} ${names.join(', ')}: lower its rate or raise theirs`,
      rungs: [i],
    });
  });
  return notes;
}

export interface SizeOptions extends AnalysisOptions {
  /** Audio renditions in the package (one per kept audio track). Default 1. */
  audioRenditions?: number;
}

export interface SizeEstimate {
  /** Indexes of the rungs counted (all, or those the source keeps). */
  rungs: number[];
  /** Sum of the counted rungs' average video bit rates. */
  videoKbps: number;
  audioKbps: number;
  /** Playlists and storyboard images, as an average rate. */
  overheadKbps: number;
  totalKbps: number;
  bytesPerMinute: number;
  /** Once per package, whatever its length: poster (JPEG + WebP) and the animated preview. */
  fixedBytes: number;
}

/** Media playlist line per segment (#EXTINF + URI, ~50 bytes) for each playlist, incl. I-frame ones. */
const PLAYLIST_BYTES_PER_SEGMENT = 50;
/** Small JPEG storyboard tiles come out at about 0.35 bytes a pixel, plus a WebVTT cue each. */
const STORYBOARD_BYTES_PER_PIXEL = 0.35;
const STORYBOARD_CUE_BYTES = 70;
const POSTER_BYTES_PER_PIXEL = 0.15;
/** The animated WebP preview: 320x180 at 10 fps, roughly 40 KB a second. */
const PREVIEW_BYTES_PER_SEC = 40_000;

/**
 * Package size per minute of video: every kept rung's average video rate, plus each audio rendition,
 * plus a small allowance for playlists and the storyboard when it is on. With rate control `crf` the
 * average is a guide, not a target: real sizes depend on the picture.
 */
export function estimateSize(preset: Preset, options: SizeOptions = {}): SizeEstimate {
  const fit = options.source ? fitRungsToSource(preset.rungs, options.source) : undefined;
  const rungs = preset.rungs.map((_, i) => i).filter((i) => !fit?.fits[i]!.skipped);
  const counted = fit?.fallback ? [fit.fallback] : rungs.map((i) => preset.rungs[i]!);
  const videoKbps = sum(counted.map((r) => r.bitrateKbps));
  const audioRenditions = options.audioRenditions ?? 1;
  const audioKbps = preset.audio.bitrateKbps * audioRenditions;

  const segmentsPerMinute = preset.segment.durationSec > 0 ? 60 / preset.segment.durationSec : 0;
  // A media playlist and an I-frame playlist per video rung, one per audio rendition.
  const playlists = counted.length * 2 + audioRenditions;
  let overheadBytesPerMinute = segmentsPerMinute * playlists * PLAYLIST_BYTES_PER_SEGMENT;
  const { storyboardIntervalSec, storyboardTileWidth, previewDurationSec } = preset.images;
  if (storyboardIntervalSec > 0) {
    const tilePixels = storyboardTileWidth * Math.round((storyboardTileWidth * 9) / 16);
    const tileBytes = tilePixels * STORYBOARD_BYTES_PER_PIXEL + STORYBOARD_CUE_BYTES;
    overheadBytesPerMinute += (60 / storyboardIntervalSec) * tileBytes;
  }
  const overheadKbps = (overheadBytesPerMinute * 8) / 60 / 1000;
  const totalKbps = videoKbps + audioKbps + overheadKbps;

  const top = counted.reduce<{ width: number; height: number } | undefined>(
    (best, r) => (!best || r.width * r.height > best.width * best.height ? r : best),
    undefined,
  );
  const posterBytes = top ? 2 * top.width * top.height * POSTER_BYTES_PER_PIXEL : 0;
  const fixedBytes = Math.round(posterBytes + previewDurationSec * PREVIEW_BYTES_PER_SEC);
  return {
    rungs,
    videoKbps,
    audioKbps,
    overheadKbps,
    totalKbps,
    bytesPerMinute: (totalKbps * 1000 * 60) / 8,
    fixedBytes,
  };
}

export interface CostOptions extends AnalysisOptions {
  /** Minutes of video stored. */
  minutes: number;
  /** Whole-length views. */
  views: number;
  /** The rung viewers watch throughout: an index into `preset.rungs`, or 'top' (default) / 'start'. */
  viewedRung?: number | 'top' | 'start';
  storagePricePerGbMonth?: number;
  egressPricePerGb?: number;
  audioRenditions?: number;
}

export interface CostEstimate {
  packageBytes: number;
  /** Storage for one month. */
  storagePerMonth: number;
  /**
   * The rung counted for egress (index into `preset.rungs`); undefined when the source keeps none (the
   * planner's one rung at the source's size is counted then).
   */
  viewedRung?: number;
  /** Video of the viewed rung plus one audio rendition. */
  viewedKbps: number;
  egressBytes: number;
  egress: number;
  /** Storage for one month plus egress. */
  total: number;
}

/**
 * Storage and egress cost: the package for `minutes` of video stored one month, and `views` viewers each
 * watching the whole length on one rung (by default the top rung the source keeps).
 */
export function estimateCost(preset: Preset, options: CostOptions): CostEstimate {
  const size = estimateSize(preset, options);
  const storagePrice = options.storagePricePerGbMonth ?? DEFAULT_STORAGE_PRICE_PER_GB_MONTH;
  const egressPrice = options.egressPricePerGb ?? DEFAULT_EGRESS_PRICE_PER_GB;
  const minutes = Math.max(0, options.minutes);
  const views = Math.max(0, options.views);
  const packageBytes = size.bytesPerMinute * minutes + (minutes > 0 ? size.fixedBytes : 0);

  const viewed = options.viewedRung ?? 'top';
  let viewedRung: number | undefined;
  if (typeof viewed === 'number') viewedRung = preset.rungs[viewed] ? viewed : undefined;
  else if (viewed === 'start')
    viewedRung = startVariantIndex(preset.rungs, preset.startBitrateKbps, size.rungs);
  else viewedRung = topRung(preset.rungs, size.rungs);
  const fallback = options.source ? fitRungsToSource(preset.rungs, options.source).fallback : undefined;
  const videoKbps = fallback
    ? fallback.bitrateKbps
    : viewedRung !== undefined
      ? preset.rungs[viewedRung]!.bitrateKbps
      : 0;
  const viewedKbps = videoKbps + preset.audio.bitrateKbps;
  const egressBytes = (views * minutes * 60 * viewedKbps * 1000) / 8;

  const storagePerMonth = (packageBytes / BILLING_GB) * storagePrice;
  const egress = (egressBytes / BILLING_GB) * egressPrice;
  return {
    packageBytes,
    storagePerMonth,
    viewedRung,
    viewedKbps,
    egressBytes,
    egress,
    total: storagePerMonth + egress,
  };
}

export interface RungReport {
  index: number;
  fps: number;
  bitsPerPixel: number;
  peakKbps: number;
  /** The source keeps it (always true with no source). */
  kept: boolean;
  /** Encoded size for the source, when known. */
  encodedWidth?: number;
  encodedHeight?: number;
  isStart: boolean;
}

export interface LadderAnalysis {
  rungs: RungReport[];
  spacing: RungStep[];
  notes: LadderNote[];
  size: SizeEstimate;
  start?: number;
}

/** Everything the editor shows beside the ladder, in one pass. */
export function analyzeLadder(preset: Preset, options: SizeOptions = {}): LadderAnalysis {
  const sourceFps = options.sourceFps ?? DEFAULT_SOURCE_FPS;
  const fit = options.source ? fitRungsToSource(preset.rungs, options.source) : undefined;
  const size = estimateSize(preset, options);
  const start = startVariantIndex(preset.rungs, preset.startBitrateKbps, size.rungs);
  return {
    rungs: preset.rungs.map((rung, index) => ({
      index,
      fps: rungFrameRate(rung, sourceFps),
      bitsPerPixel: bitsPerPixel(rung, sourceFps),
      peakKbps: peakKbps(rung),
      kept: !fit?.fits[index]!.skipped,
      encodedWidth: fit?.fits[index]!.width,
      encodedHeight: fit?.fits[index]!.height,
      isStart: index === start,
    })),
    spacing: rungSpacing(preset.rungs),
    notes: checkLadder(preset, options),
    size,
    start,
  };
}

/**
 * Every ladder rule, problems first: the one set of checks the preset editor shows and the CLI prints
 * (`hls-studio probe`).
 */
export function checkLadder(preset: Preset, options: AnalysisOptions = {}): LadderNote[] {
  return [...appleWarnings(preset, options), ...shapeNotes(preset, options)].sort(
    (a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity],
  );
}

/** The analysis options for a probed source: its displayed size and frame rate. */
export function analysisOptionsFor(video: {
  displayWidth: number;
  displayHeight: number;
  frameRate: { num: number; den: number };
}): Required<AnalysisOptions> {
  return {
    source: { width: video.displayWidth, height: video.displayHeight },
    sourceFps: toNumber(video.frameRate),
  };
}

/** The kept rung with the highest average bit rate (first in preset order on a tie). */
function topRung(rungs: readonly Pick<Rung, 'bitrateKbps'>[], kept: readonly number[]): number | undefined {
  let best: number | undefined;
  for (const i of kept) if (best === undefined || rungs[i]!.bitrateKbps > rungs[best]!.bitrateKbps) best = i;
  return best;
}

const SEVERITY_RANK: Record<Severity, number> = { problem: 0, note: 1 };

function list(indexes: number[]): string {
  return indexes.length === 1 ? `Rung ${indexes[0]! + 1}` : `Rungs ${indexes.map((i) => i + 1).join(', ')}`;
}

function round(n: number, digits: number): number {
  return Number(n.toFixed(digits));
}

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}
