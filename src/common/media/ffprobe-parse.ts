import { z } from 'zod';
import { StudioError } from '../errors.js';
import { nominalFrameRate } from './frame-rate.js';
import { parseRational } from './rational.js';
import type {
  AudioInfo,
  DynamicRange,
  FieldOrder,
  Rotation,
  SourceInfo,
  SubtitleInfo,
  VideoInfo,
} from './source-info.js';

// Only the fields we read; ffprobe adds more with every release.
const numberish = z.union([z.number(), z.string()]).optional();
const ffprobeStream = z.looseObject({
  index: z.number(),
  codec_type: z.string().optional(),
  codec_name: z.string().optional(),
  profile: z.string().optional(),
  width: z.number().optional(),
  height: z.number().optional(),
  sample_aspect_ratio: z.string().optional(),
  pix_fmt: z.string().optional(),
  bits_per_raw_sample: numberish,
  color_transfer: z.string().optional(),
  color_primaries: z.string().optional(),
  color_space: z.string().optional(),
  color_range: z.string().optional(),
  field_order: z.string().optional(),
  r_frame_rate: z.string().optional(),
  avg_frame_rate: z.string().optional(),
  channels: z.number().optional(),
  channel_layout: z.string().optional(),
  sample_rate: numberish,
  disposition: z.record(z.string(), z.number()).optional(),
  tags: z.record(z.string(), z.string()).optional(),
  start_time: numberish,
  duration: numberish,
  side_data_list: z
    .array(z.looseObject({ side_data_type: z.string().optional(), rotation: z.number().optional() }))
    .optional(),
});
const ffprobeOutput = z.looseObject({
  streams: z.array(ffprobeStream).default([]),
  format: z
    .looseObject({
      format_name: z.string().optional(),
      duration: numberish,
      start_time: numberish,
      size: numberish,
      bit_rate: numberish,
    })
    .optional(),
});
type FfprobeStream = z.infer<typeof ffprobeStream>;

const BITMAP_SUBTITLE_CODECS = new Set([
  'dvb_subtitle',
  'hdmv_pgs_subtitle',
  'dvd_subtitle',
  'xsub',
  'dvb_teletext',
]);

/** Turns `ffprobe -show_format -show_streams -of json` output into a SourceInfo; pure, so it is tested on captured output. */
export function parseFfprobeJson(
  file: string,
  json: unknown,
  warnings: string[] = [],
  sampledFps?: number,
): SourceInfo {
  const parsed = ffprobeOutput.safeParse(json);
  if (!parsed.success) {
    throw new StudioError('NOT_MEDIA', `${file}: ffprobe did not describe it as media`, {
      file,
      detail: z.prettifyError(parsed.error),
    });
  }
  const { streams, format } = parsed.data;
  // Cover art in an audio file is a "video" stream with attached_pic: it is not a picture track.
  const videoStream = streams.find(
    (s) =>
      s.codec_type === 'video' && !s.disposition?.attached_pic && (s.width ?? 0) > 0 && (s.height ?? 0) > 0,
  );
  const audio = streams.filter((s) => s.codec_type === 'audio' && (s.channels ?? 0) > 0).map(toAudioInfo);
  const subtitles = streams.filter((s) => s.codec_type === 'subtitle').map(toSubtitleInfo);
  const video = videoStream
    ? toVideoInfo(file, videoStream, sampledFps, num(format?.start_time) ?? 0)
    : undefined;
  if (!video && audio.length === 0) {
    throw new StudioError('NO_MEDIA_STREAMS', `${file}: has no video or audio stream to encode`, { file });
  }
  return {
    file,
    formatName: format?.format_name ?? 'unknown',
    durationSec: num(format?.duration) ?? 0,
    sizeBytes: num(format?.size) ?? 0,
    bitRate: num(format?.bit_rate),
    video: video,
    audio,
    subtitles,
    warnings,
  };
}

function toVideoInfo(
  file: string,
  s: FfprobeStream,
  sampledFps: number | undefined,
  fileStart: number,
): VideoInfo {
  const width = s.width!;
  const height = s.height!;
  const sar = parseRational(s.sample_aspect_ratio) ?? { num: 1, den: 1 };
  const rotation = readRotation(s);
  const rFrameRate = parseRational(s.r_frame_rate);
  const avgFrameRate = parseRational(s.avg_frame_rate);
  const rate = nominalFrameRate(rFrameRate, avgFrameRate, sampledFps);
  if (!rate) {
    throw new StudioError('UNDECODABLE', `${file}: the video stream has no usable frame rate`, { file });
  }
  // SAR stretches the width; a quarter turn then swaps the axes (players do the same).
  const squareWidth = Math.round((width * sar.num) / sar.den);
  const quarterTurn = rotation === 90 || rotation === 270;
  const fieldOrder = readFieldOrder(s.field_order);
  const pixelFormat = s.pix_fmt ?? 'unknown';
  return {
    index: s.index,
    codec: s.codec_name ?? 'unknown',
    profile: s.profile,
    width,
    height,
    sampleAspectRatio: sar,
    rotation,
    displayWidth: quarterTurn ? height : squareWidth,
    displayHeight: quarterTurn ? squareWidth : height,
    rFrameRate: rFrameRate,
    avgFrameRate: avgFrameRate,
    frameRate: rate.nominal,
    vfr: rate.vfr,
    pixelFormat,
    bitDepth: num(s.bits_per_raw_sample) ?? bitDepthOf(pixelFormat),
    colorTransfer: s.color_transfer,
    colorPrimaries: s.color_primaries,
    colorSpace: s.color_space,
    colorRange: s.color_range,
    dynamicRange: dynamicRangeOf(s.color_transfer),
    fieldOrder,
    // DV and some TS files say nothing in the container; only decoded frames know (bwdif deint=interlaced asks them).
    interlaced: fieldOrder !== 'progressive',
    startOffsetSec: Math.max(0, (num(s.start_time) ?? fileStart) - fileStart),
    durationSec: positive(num(s.duration) ?? clockSeconds(s.tags?.DURATION)),
  };
}

/** Matroska's per-track DURATION tag ("00:00:02.500000000") in seconds. */
function clockSeconds(value: string | undefined): number | undefined {
  const m = value ? /^(\d+):(\d{2}):(\d{2}(?:\.\d+)?)$/.exec(value.trim()) : null;
  return m ? Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]) : undefined;
}

const positive = (n: number | undefined) => (n !== undefined && n > 0 ? n : undefined);

function toAudioInfo(s: FfprobeStream): AudioInfo {
  return {
    index: s.index,
    codec: s.codec_name ?? 'unknown',
    profile: s.profile,
    channels: s.channels ?? 0,
    channelLayout: s.channel_layout,
    sampleRate: num(s.sample_rate) ?? 0,
    language: language(s),
    title: s.tags?.title,
    isDefault: s.disposition?.default === 1,
  };
}

function toSubtitleInfo(s: FfprobeStream): SubtitleInfo {
  const codec = s.codec_name ?? 'unknown';
  return {
    index: s.index,
    codec,
    language: language(s),
    title: s.tags?.title,
    bitmap: BITMAP_SUBTITLE_CODECS.has(codec),
    forced: s.disposition?.forced === 1,
    isDefault: s.disposition?.default === 1,
  };
}

function readRotation(s: FfprobeStream): Rotation {
  const matrix = s.side_data_list?.find(
    (d) => d.side_data_type === 'Display Matrix' && d.rotation !== undefined,
  );
  // ffprobe's display-matrix rotation is counter-clockwise (-90 = turn right); older files use a `rotate` tag.
  const degrees = matrix?.rotation !== undefined ? -matrix.rotation : Number(s.tags?.rotate ?? 0);
  const normalized = (((Math.round(degrees / 90) * 90) % 360) + 360) % 360;
  return normalized as Rotation;
}

function readFieldOrder(value: string | undefined): FieldOrder {
  switch (value) {
    case 'progressive':
      return 'progressive';
    case 'tt':
    case 'tb':
      return 'tff';
    case 'bb':
    case 'bt':
      return 'bff';
    default:
      return 'unknown';
  }
}

function dynamicRangeOf(transfer: string | undefined): DynamicRange {
  if (transfer === 'smpte2084') return 'pq';
  if (transfer === 'arib-std-b67') return 'hlg';
  return 'sdr';
}

function bitDepthOf(pixelFormat: string): number {
  const match = /p(\d{2})(le|be)$/.exec(pixelFormat);
  return match ? Number(match[1]) : 8;
}

function language(s: FfprobeStream): string | undefined {
  const lang = s.tags?.language;
  return lang && lang !== 'und' ? lang : undefined;
}

function num(value: number | string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = typeof value === 'number' ? value : Number(value);
  return Number.isFinite(n) ? n : undefined;
}
