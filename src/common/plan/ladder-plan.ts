import { capFrameRate } from '../media/frame-rate.js';
import { formatRational, toNumber, type Rational } from '../media/rational.js';
import type { AudioInfo, SourceInfo, VideoInfo } from '../media/source-info.js';
import type { Preset, Rung, SegmentFormat, SpeedPreset, VideoCodec } from '../presets/preset-schema.js';
import { StudioError } from '../errors.js';
import { toneMapFilter } from './tone-map.js';
import type {
  AudioPlan,
  BurnInPlan,
  EncodePlan,
  ImagesPlan,
  SubtitlePlan,
  VideoPlan,
  VideoRungPlan,
} from './encode-plan.js';

/** Where a text subtitle to burn in is copied inside the package's work folder (a name the filter can parse). */
export const BURN_IN_FILE = '.work/burn-in.ass';

export interface PlanOptions {
  segmentDurationSec?: number;
  format?: SegmentFormat;
  codec?: VideoCodec;
  /** An ffmpeg encoder name (libx264, h264_nvenc, …); defaults to the software encoder of the codec. */
  encoder?: string;
  speedPreset?: SpeedPreset;
  /** Capped quality instead of capped average bit rate: CRF with each rung's maxrate as the cap. */
  crf?: number;
  /** Source audio stream indexes to keep (default: every audio track). */
  audioStreams?: number[];
  /** EBU R128 target in LUFS, overriding the preset's. */
  loudnessLufs?: number;
  /** Subtitle files beside the video (.srt, .vtt, .ass, .ssa). */
  subtitleFiles?: SidecarSubtitle[];
  /** Burn one subtitle into the picture: a source stream index or a sidecar file. */
  burnIn?: { streamIndex: number } | { file: string };
  /** AES-128 whole-segment encryption (overrides the preset's `encryption`). */
  encrypt?: boolean;
  keyUri?: string;
  keyRotationSegments?: number;
  /**
   * Encode only this window of the source ("try before you encode"). Start is clamped into the source
   * and the duration to what is left of it; subtitles, burn-in and the loudness passes are left out.
   */
  excerpt?: { startSec: number; durationSec: number };
}

export interface SidecarSubtitle {
  path: string;
  language?: string;
  name?: string;
  forced?: boolean;
  isDefault?: boolean;
}

const TEXT_SUBTITLE_FILE = /\.(srt|vtt|ass|ssa)$/i;

const SOFTWARE_ENCODERS: Record<VideoCodec, string> = { h264: 'libx264', hevc: 'libx265' };
/** Apple HLS 1.13: a keyframe at least every 2 s. */
const MAX_KEYFRAME_INTERVAL_SEC = 2;
const CAP_SLACK_SEC = 1;
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

  const inputWindow = options.excerpt ? excerptWindow(source, options.excerpt) : undefined;
  const capSec = videoEndSec(source);
  const durationSec = inputWindow?.durationSec ?? capSec ?? source.durationSec;
  const leftOut = inputWindow ? excerptLeftOut(source, options, preset, inputWindow) : [];
  notes.push(...leftOut);
  const burnIn = source.video && !inputWindow ? planBurnIn(source, options, notes) : undefined;
  const video = source.video
    ? planVideo(source.video, preset, keyframeIntervalSec, burnIn, notes)
    : undefined;
  const audio = planAudio(source.audio, preset, options, notes, !inputWindow);
  const subtitles = video && !inputWindow ? planSubtitles(source, options, burnIn, notes) : [];
  if (!video) notes.push('audio only: an audio-only package');
  if (audio.length === 0) notes.push('no audio: a video-only package');
  const encrypt = options.encrypt ?? preset.encryption.enabled;

  return {
    input: source.file,
    inputWindow,
    // A bound on damage, not a trim: a second of slack for timestamps around a splice or discontinuity
    // (a spliced TS lost 1.4 s of audio to an exact cap in the fuzz run).
    durationCapSec: inputWindow || capSec === undefined ? undefined : capSec + CAP_SLACK_SEC,
    durationSec,
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
    subtitles,
    images: video && source.video ? planImages(source.video, video, durationSec, preset) : undefined,
    encryption: encrypt
      ? {
          keyUriTemplate: options.keyUri ?? preset.encryption.keyUri,
          rotateEverySegments: options.keyRotationSegments ?? preset.encryption.rotateEverySegments,
        }
      : undefined,
    startBitrateKbps: preset.startBitrateKbps,
    notes,
  };
}

/**
 * Where the video stream ends, counted from the file's start as ffmpeg counts: what an encode is capped
 * to. The format's duration is the longest stream's claim, and one damaged audio track claimed 3,038 s
 * beside 2.5 s of video (issue 13). Undefined without video, when the container does not say, or when
 * the durations are guesses from the bit rate (ffmpeg warns so): an audio-only source is never cut.
 */
export function videoEndSec(source: SourceInfo): number | undefined {
  const v = source.video;
  if (!v?.durationSec || source.warnings.some((w) => /Estimating duration from bitrate/i.test(w)))
    return undefined;
  const end = v.startOffsetSec + v.durationSec;
  return source.durationSec > 0 ? Math.min(source.durationSec, end) : end;
}

/**
 * Clamps a requested excerpt into the source: the start to [0, duration − 1 s], the length to what is
 * left after it. A source of unknown duration (0) keeps the request as it is.
 */
function excerptWindow(
  source: SourceInfo,
  excerpt: NonNullable<PlanOptions['excerpt']>,
): { startSec: number; durationSec: number } {
  if (
    !Number.isFinite(excerpt.startSec) ||
    !(excerpt.durationSec > 0) ||
    !Number.isFinite(excerpt.durationSec)
  )
    throw new StudioError(
      'INVALID_ARGUMENT',
      `${source.file}: an excerpt needs a start and a positive duration (got ${excerpt.startSec}, ${excerpt.durationSec})`,
    );
  const known = source.durationSec > 0;
  const startSec = known
    ? Math.min(Math.max(0, excerpt.startSec), Math.max(0, source.durationSec - 1))
    : Math.max(0, excerpt.startSec);
  const durationSec = known
    ? Math.min(excerpt.durationSec, source.durationSec - startSec)
    : excerpt.durationSec;
  const ms = (x: number) => Math.round(x * 1000) / 1000;
  return { startSec: ms(startSec), durationSec: ms(durationSec) };
}

/**
 * What an excerpt leaves out, as notes. Subtitle timings and the loudness measurement are of the whole
 * source; a 10 s try does not need them, and measuring a whole film for it would not be quick.
 */
function excerptLeftOut(
  source: SourceInfo,
  options: PlanOptions,
  preset: Preset,
  window: { startSec: number; durationSec: number },
): string[] {
  const sec = (x: number) => String(Math.round(x * 10) / 10);
  const label = `excerpt ${sec(window.startSec)}–${sec(window.startSec + window.durationSec)} s`;
  const notes: string[] = [];
  const hasSubtitles = source.subtitles.length > 0 || (options.subtitleFiles?.length ?? 0) > 0;
  if (source.video && hasSubtitles) notes.push(`${label}: subtitles left out`);
  if (source.video && options.burnIn) notes.push(`${label}: burnt-in subtitles left out`);
  const lufs = options.loudnessLufs ?? preset.audio.loudnessLufs;
  const keptAudio = source.audio.filter(
    (a) => !options.audioStreams || options.audioStreams.includes(a.index),
  );
  if (lufs !== undefined && keptAudio.length > 0) notes.push(`${label}: loudness normalisation left out`);
  return notes;
}

function planVideo(
  v: VideoInfo,
  preset: Preset,
  keyframeIntervalSec: number,
  burnIn: BurnInPlan | undefined,
  notes: string[],
): VideoPlan {
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

  // Text is rendered after tone-mapping, at SDR; a bitmap overlay is applied in the graph head instead.
  if (burnIn && !burnIn.bitmap) preFilters.push(`subtitles=filename=${BURN_IN_FILE}`);
  const rungs = kept.map(({ rung, size }, i) => planRung(i, rung, size, v.frameRate, keyframeIntervalSec));
  return { streamIndex: v.index, preFilters, rungs, burnIn, startOffsetSec: v.startOffsetSec };
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

function planAudio(
  tracks: AudioInfo[],
  preset: Preset,
  options: PlanOptions,
  notes: string[],
  normalise: boolean,
): AudioPlan[] {
  const chosen = options.audioStreams
    ? tracks.filter((a) => options.audioStreams!.includes(a.index))
    : tracks;
  const defaultTrack = chosen.find((a) => a.isDefault) ?? chosen[0];
  const lufs = normalise ? (options.loudnessLufs ?? preset.audio.loudnessLufs) : undefined;
  if (lufs !== undefined && chosen.length > 0)
    notes.push(`loudness normalised to ${lufs} LUFS (EBU R128, two passes)`);
  const names = new Map<string, number>();
  return chosen.map((a, i) => {
    if (a.channels > 2) notes.push(`${a.channelLayout ?? `${a.channels} channels`} audio → stereo downmix`);
    const language = normalizeLanguage(a.language);
    const base =
      a.title ?? (language ? languageName(language) : chosen.length > 1 ? `Audio ${i + 1}` : 'Audio');
    // NAME must be unique within a group (RFC 8216 4.3.4.1.1).
    const seen = names.get(base) ?? 0;
    names.set(base, seen + 1);
    return {
      id: `audio-${i}`,
      streamIndex: a.index,
      bitrateKbps: preset.audio.bitrateKbps,
      sampleRate: preset.audio.sampleRate,
      channels: 2,
      sourceChannels: a.channels,
      language,
      name: seen ? `${base} ${seen + 1}` : base,
      isDefault: a === defaultTrack,
      loudness: lufs === undefined ? undefined : { targetLufs: lufs, truePeakDb: -1.5, lra: 11 },
    };
  });
}

function planSubtitles(
  source: SourceInfo,
  options: PlanOptions,
  burnIn: BurnInPlan | undefined,
  notes: string[],
): SubtitlePlan[] {
  const burnt = burnIn?.source;
  const fromStreams = source.subtitles.filter(
    (s) => !(burnt?.kind === 'stream' && burnt.streamIndex === s.index),
  );
  for (const s of fromStreams.filter((s) => s.bitmap)) {
    notes.push(
      `subtitle track ${s.index} (${s.codec}) is a bitmap format: not convertible to WebVTT (burn it in instead)`,
    );
  }
  const plans: Omit<SubtitlePlan, 'id' | 'isDefault'>[] = [
    ...fromStreams
      .filter((s) => !s.bitmap)
      .map((s) => ({
        source: { kind: 'stream' as const, streamIndex: s.index },
        language: normalizeLanguage(s.language),
        name:
          s.title ??
          (normalizeLanguage(s.language) ? languageName(normalizeLanguage(s.language)!) : 'Subtitles'),
        forced: s.forced,
        wantsDefault: s.isDefault,
      })),
    ...(options.subtitleFiles ?? [])
      .filter((f) => !(burnt?.kind === 'file' && burnt.path === f.path))
      .map((f) => {
        const language = normalizeLanguage(f.language ?? languageFromFileName(f.path));
        return {
          source: { kind: 'file' as const, path: f.path },
          language,
          name: f.name ?? (language ? languageName(language) : 'Subtitles'),
          // `film.en.forced.srt`: the usual way forced (foreign-parts-only) subtitles are named.
          forced: f.forced ?? /\.forced\./i.test(f.path.split(/[\\/]/).pop() ?? ''),
          wantsDefault: f.isDefault ?? false,
        };
      }),
  ];
  const defaultIndex = plans.findIndex((p) => (p as { wantsDefault?: boolean }).wantsDefault);
  return plans.map(
    (
      { wantsDefault: _unused, ...p }: Omit<SubtitlePlan, 'id' | 'isDefault'> & { wantsDefault?: boolean },
      i,
    ) => ({
      ...p,
      id: `sub-${i}`,
      isDefault: i === defaultIndex,
    }),
  );
}

function planBurnIn(source: SourceInfo, options: PlanOptions, notes: string[]): BurnInPlan | undefined {
  const choice = options.burnIn;
  if (!choice) return undefined;
  if ('file' in choice) {
    notes.push(`subtitles burnt in from ${choice.file.split(/[\\/]/).pop()}`);
    return { source: { kind: 'file', path: choice.file }, bitmap: false };
  }
  const stream = source.subtitles.find((s) => s.index === choice.streamIndex);
  if (!stream)
    throw new StudioError(
      'INVALID_ARGUMENT',
      `${source.file}: has no subtitle stream ${choice.streamIndex} to burn in`,
    );
  notes.push(`subtitle track ${stream.index} (${stream.codec}) burnt into the picture`);
  return { source: { kind: 'stream', streamIndex: stream.index }, bitmap: stream.bitmap };
}

function planImages(v: VideoInfo, video: VideoPlan, durationSec: number, preset: Preset): ImagesPlan {
  const top = video.rungs[video.rungs.length - 1]!;
  const sampleFrames = 24;
  // Spread the candidates over the whole video so an opening fade or black intro cannot win.
  const sampleRate = `${sampleFrames * 1000}/${Math.max(1000, Math.round(durationSec * 1000))}`;
  const { storyboardIntervalSec, storyboardTileWidth, previewDurationSec } = preset.images;
  const tile = fitInside(v, storyboardTileWidth, Math.round((storyboardTileWidth * 9) / 16) + 1);
  const preview = fitInside(v, 320, 180);
  const previewStart = Math.min(durationSec * 0.1, Math.max(0, durationSec - previewDurationSec));
  return {
    poster: { width: top.width, height: top.height, sampleFrames, sampleRate },
    storyboard:
      storyboardIntervalSec > 0
        ? {
            intervalSec: storyboardIntervalSec,
            tileWidth: tile.width,
            tileHeight: tile.height,
            ...sheetGrid(Math.ceil(Math.max(durationSec, 0.001) / storyboardIntervalSec)),
          }
        : undefined,
    preview:
      previewDurationSec > 0
        ? {
            startSec: Number(previewStart.toFixed(3)),
            durationSec: Math.min(previewDurationSec, Math.max(0.1, durationSec)),
            width: preview.width,
            height: preview.height,
            fps: 10,
          }
        : undefined,
  };
}

/** Sprite sheets of up to 10x10 thumbnails; a short video gets a sheet no larger than it needs. */
function sheetGrid(thumbnails: number): { columns: number; rows: number } {
  const columns = Math.min(10, thumbnails);
  return { columns, rows: Math.min(10, Math.ceil(thumbnails / columns)) };
}

/** `movie.en.srt` → "en", `film.fra.forced.srt` → "fra". */
export function languageFromFileName(file: string): string | undefined {
  const parts = (file.split(/[\\/]/).pop() ?? '').replace(TEXT_SUBTITLE_FILE, '').split('.');
  return parts
    .slice(1)
    .reverse()
    .find((p) => /^[a-z]{2,3}(-[A-Za-z]{2,4})?$/.test(p) && languageName(p) !== p);
}

/**
 * RFC 8216 LANGUAGE is an RFC 5646 tag: ISO 639-2 codes from containers ("fre", "ger", "eng") become
 * their canonical short form ("fr", "de", "en"); "und" means none.
 */
export function normalizeLanguage(code: string | undefined): string | undefined {
  if (!code || code === 'und') return undefined;
  try {
    return Intl.getCanonicalLocales(code)[0] ?? code;
  } catch {
    return undefined;
  }
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
