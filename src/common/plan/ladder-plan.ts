import { capFrameRate } from '../media/frame-rate.js';
import { formatRational, toNumber, type Rational } from '../media/rational.js';
import type { AudioInfo, SourceInfo, VideoInfo } from '../media/source-info.js';
import type { Preset, Rung, SegmentFormat, SpeedPreset, VideoCodec } from '../presets/preset-schema.js';
import { toneMapFilter } from './tone-map.js';
import type { AudioPlan, EncodePlan, VideoPlan, VideoRungPlan } from './encode-plan.js';

export interface PlanOptions {
  segmentDurationSec?: number;
  format?: SegmentFormat;
  codec?: VideoCodec;
  /** An ffmpeg encoder name (libx264, h264_nvenc, …); defaults to the software encoder of the codec. */
  encoder?: string;
  speedPreset?: SpeedPreset;
  /** Capped quality instead of capped average bit rate: CRF with each rung's maxrate as the cap. */
  crf?: number;
}

const SOFTWARE_ENCODERS: Record<VideoCodec, string> = { h264: 'libx264', hevc: 'libx265' };
/** Apple HLS 1.13: a keyframe at least every 2 s. */
const MAX_KEYFRAME_INTERVAL_SEC = 2;
const VBV_PEAK_RATIO = 1.5;
const VBV_BUFFER_RATIO = 2;

/** Plans the ladder for one source: which rungs, at what size and rate, with which filters. Pure. */
export function planEncode(source: SourceInfo, preset: Preset, options: PlanOptions = {}): EncodePlan {
  const codec = options.codec ?? preset.video.codec;
  const format = codec === 'hevc' ? 'fmp4' : (options.format ?? preset.segment.format);
  const segmentDurationSec = options.segmentDurationSec ?? preset.segment.durationSec;
  const keyframeIntervalSec = segmentDurationSec / Math.ceil(segmentDurationSec / MAX_KEYFRAME_INTERVAL_SEC);
  const notes: string[] = [];
  if (codec === 'hevc' && options.format === 'ts')
    notes.push('HEVC is packaged as fMP4 (Apple HLS 1.10), not TS');

  const audioSource = pickAudio(source.audio);
  const video = source.video ? planVideo(source.video, preset, keyframeIntervalSec, notes) : undefined;
  const audio = audioSource ? planAudio(audioSource, preset, notes) : undefined;
  if (!video) notes.push('audio only: an audio-only package');
  if (!audio) notes.push('no audio: a video-only package');

  return {
    input: source.file,
    durationSec: source.durationSec,
    codec,
    encoder: options.encoder ?? SOFTWARE_ENCODERS[codec],
    speedPreset: options.speedPreset ?? preset.video.speedPreset,
    rateControl: options.crf !== undefined ? 'crf' : preset.video.rateControl,
    crf: options.crf ?? preset.video.crf,
    format,
    segmentDurationSec,
    keyframeIntervalSec,
    video,
    audio,
    startBitrateKbps: preset.startBitrateKbps,
    notes,
  };
}

function planVideo(v: VideoInfo, preset: Preset, keyframeIntervalSec: number, notes: string[]): VideoPlan {
  const preFilters: string[] = [];
  if (v.interlaced) {
    // deint=interlaced leaves frames flagged progressive alone, so "unknown" field order costs little.
    preFilters.push('bwdif=mode=send_frame:parity=auto:deint=interlaced');
    if (v.fieldOrder !== 'unknown') notes.push(`interlaced (${v.fieldOrder}): deinterlaced`);
  }
  if (v.dynamicRange !== 'sdr') {
    preFilters.push(toneMapFilter(v));
    notes.push(`HDR (${v.dynamicRange.toUpperCase()}) → SDR tone-map`);
  }
  if (v.rotation !== 0) notes.push(`rotated ${v.rotation}°: rungs follow the picture as displayed`);
  if (v.displayHeight > v.displayWidth) notes.push('portrait: rungs rotated to portrait');
  if (v.sampleAspectRatio.num !== v.sampleAspectRatio.den) {
    notes.push(`anamorphic (SAR ${v.sampleAspectRatio.num}:${v.sampleAspectRatio.den}): square pixels out`);
  }
  if (v.vfr) notes.push(`variable frame rate: constant ${formatFps(v.frameRate)} fps out`);

  const fitted = preset.rungs.map((rung) => ({ rung, size: fitInside(v, rung.width, rung.height) }));
  let kept = fitted.filter(
    ({ size }) => size.width <= v.displayWidth + 1 && size.height <= v.displayHeight + 1,
  );
  const dropped = fitted.length - kept.length;
  if (kept.length === 0) {
    // Never upscale, but always deliver something: the lowest rung at the source's own size.
    const lowest = fitted[0]!;
    const size = fitInside(v, v.displayWidth, v.displayHeight, 'down');
    const pixelRatio = (size.width * size.height) / (lowest.rung.width * lowest.rung.height);
    const bitrateKbps = Math.max(64, Math.round(lowest.rung.bitrateKbps * Math.pow(pixelRatio, 0.75)));
    kept = [{ rung: { ...lowest.rung, bitrateKbps, maxBitrateKbps: undefined }, size }];
    notes.push(
      `source smaller than every rung: one rung at ${size.width}x${size.height}, ${bitrateKbps} kb/s`,
    );
  } else if (dropped > 0) {
    notes.push(
      `${dropped} rung(s) above the source's ${v.displayWidth}x${v.displayHeight} skipped (no upscaling)`,
    );
  }

  const rungs = kept.map(({ rung, size }, i) => planRung(i, rung, size, v.frameRate, keyframeIntervalSec));
  return { streamIndex: v.index, preFilters, rungs };
}

function planRung(
  i: number,
  rung: Rung,
  size: { width: number; height: number },
  sourceRate: Rational,
  keyframeIntervalSec: number,
): VideoRungPlan {
  const frameRate = capFrameRate(sourceRate, rung.maxFrameRate);
  const maxBitrateKbps = rung.maxBitrateKbps ?? Math.round(rung.bitrateKbps * VBV_PEAK_RATIO);
  return {
    id: `v${i}-${Math.min(size.width, size.height)}p`,
    width: size.width,
    height: size.height,
    frameRate,
    gopFrames: Math.max(1, Math.round(keyframeIntervalSec * toNumber(frameRate))),
    bitrateKbps: rung.bitrateKbps,
    maxBitrateKbps,
    bufferKbits: Math.round(maxBitrateKbps * VBV_BUFFER_RATIO),
  };
}

/**
 * Fits the displayed picture inside a rung's box, turned to the picture's orientation, keeping the
 * displayed aspect ratio. `down` rounds to even sizes without ever exceeding the box.
 */
export function fitInside(
  v: Pick<VideoInfo, 'displayWidth' | 'displayHeight'>,
  boxWidth: number,
  boxHeight: number,
  rounding: 'nearest' | 'down' = 'nearest',
): { width: number; height: number } {
  const portrait = v.displayHeight > v.displayWidth;
  const [bw, bh] = portrait === boxHeight > boxWidth ? [boxWidth, boxHeight] : [boxHeight, boxWidth];
  const aspect = v.displayWidth / v.displayHeight;
  const even = (x: number) => Math.max(2, (rounding === 'down' ? Math.floor(x / 2) : Math.round(x / 2)) * 2);
  if (aspect >= bw / bh) return { width: even(bw), height: Math.min(even(bw / aspect), even(bh)) };
  return { width: Math.min(even(bh * aspect), even(bw)), height: even(bh) };
}

function planAudio(a: AudioInfo, preset: Preset, notes: string[]): AudioPlan {
  if (a.channels > 2) notes.push(`${a.channelLayout ?? `${a.channels} channels`} audio → stereo downmix`);
  return {
    id: 'audio',
    streamIndex: a.index,
    bitrateKbps: preset.audio.bitrateKbps,
    sampleRate: preset.audio.sampleRate,
    channels: 2,
    sourceChannels: a.channels,
    language: a.language,
    name: a.title ?? (a.language ? languageName(a.language) : 'Audio'),
  };
}

function pickAudio(audio: AudioInfo[]): AudioInfo | undefined {
  return audio.find((a) => a.isDefault) ?? audio[0];
}

function languageName(code: string): string {
  try {
    return new Intl.DisplayNames(['en'], { type: 'language' }).of(code) ?? code;
  } catch {
    return code;
  }
}

function formatFps(rate: Rational): string {
  const fps = toNumber(rate);
  return Number.isInteger(fps)
    ? String(fps)
    : fps.toFixed(3).replace(/0+$/, '') + ` (${formatRational(rate)})`;
}
