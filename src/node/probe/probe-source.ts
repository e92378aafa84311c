import { stat } from 'node:fs/promises';
import path from 'node:path';
import { StudioError } from '../../common/errors.js';
import {
  failureReason,
  looksTruncated,
  refusedDemuxer,
  usefulWarnings,
} from '../../common/ffmpeg/failure-reason.js';
import { refusedFormatMessage, safeInputOptions } from '../../common/ffmpeg/input-args.js';
import { parseFfprobeJson } from '../../common/media/ffprobe-parse.js';
import { frameRateFromTimestamps } from '../../common/media/frame-rate.js';
import type { SourceInfo } from '../../common/media/source-info.js';
import { binaries } from '../ffmpeg/binaries.js';
import { ffprobeQuery } from '../ffmpeg/ffprobe-query.js';
import { runProcess } from '../ffmpeg/runner.js';

const PROBE_TIMEOUT_MS = 60_000;

/** Absolute and `file:`-prefixed: how every user path is handed to ffmpeg (HLS-NOTES: `concat:a|b.mp4`, `-y.ts`). */
export function ffmpegInputUrl(absolutePath: string): string {
  return `file:${absolutePath}`;
}

/**
 * Describes one input file, or fails with a StudioError naming the file and the cause:
 * FILE_NOT_FOUND, NOT_A_FILE, FILE_EMPTY, TRUNCATED, NOT_MEDIA (also: a playlist or another format that
 * names other files, refused whatever the file is called), NO_MEDIA_STREAMS.
 */
export async function probeSource(file: string, options: { signal?: AbortSignal } = {}): Promise<SourceInfo> {
  const absolute = path.resolve(file);
  await checkReadableFile(absolute);
  // One ffprobe start answers both questions on a file that demuxes cleanly from its start. One that
  // does not (ffprobe fails reading the packets) is asked again the slow way, as two questions, so the
  // packets never turn a file that can be described into one refused.
  const combined = await askFfprobe(absolute, SAMPLE_ALL_PACKETS, options.signal).catch((error) => {
    // A cancel is the answer (the runner's CANCELLED error), not a reason to ask again.
    if (options.signal?.aborted) throw error;
    return undefined;
  });
  if (combined) {
    const sampled = sampledFromPackets(combined.json);
    if (sampled !== 'too-few')
      return parseFfprobeJson(absolute, withoutPackets(combined.json), combined.warnings, sampled);
  }
  let answer: { json: unknown; warnings: string[] };
  try {
    answer = combined ?? (await askFfprobe(absolute, [], options.signal));
  } catch (error) {
    throw classifyProbeFailure(absolute, error);
  }
  const sampledFps = hasVideo(answer.json) ? await sampleFrameRate(absolute, options.signal) : undefined;
  return parseFfprobeJson(absolute, withoutPackets(answer.json), answer.warnings, sampledFps);
}

/** Video packets whose timestamps measure the picture rate (see sampleFrameRate). */
const SAMPLE_VIDEO_PACKETS = 240;
/**
 * Packets of all streams read for them in the combined question: a film with one sound track has about
 * two video packets in five (30 fps against AAC's 47 packets a second), so 1,000 give 240 video ones;
 * a file with more tracks that gives fewer is sampled on its own.
 */
const SAMPLE_ALL_PACKETS_COUNT = 1000;
const SAMPLE_ALL_PACKETS = [
  ...['-show_entries', 'packet=stream_index,pts_time'],
  ...['-read_intervals', `%+#${SAMPLE_ALL_PACKETS_COUNT}`],
];

async function askFfprobe(
  file: string,
  extra: string[],
  signal?: AbortSignal,
): Promise<{ json: unknown; warnings: string[] }> {
  const { ffprobe } = await binaries();
  const args = ['-v', 'warning', '-hide_banner', ...safeInputOptions()];
  args.push('-show_format', '-show_streams', ...extra, '-of', 'json', ffmpegInputUrl(file));
  const result = await runProcess({
    bin: ffprobe.path,
    args,
    signal,
    timeoutMs: PROBE_TIMEOUT_MS,
    captureStdout: true,
    file,
  });
  try {
    return { json: JSON.parse(result.stdout), warnings: usefulWarnings(result.stderrTail) };
  } catch (cause) {
    throw new StudioError('NOT_MEDIA', `${file}: ffprobe's answer was not JSON`, { file, cause });
  }
}

interface ProbeJson {
  streams?: { index?: number; codec_type?: string }[];
  packets?: { stream_index?: number; pts_time?: string }[];
}

const hasVideo = (json: unknown) => (json as ProbeJson).streams?.some((s) => s.codec_type === 'video');

function withoutPackets(json: unknown): unknown {
  const { packets: _packets, ...rest } = json as ProbeJson & Record<string, unknown>;
  return rest;
}

/**
 * The sampled rate from the combined answer's packets: undefined without video (or too few packets to
 * tell), 'too-few' when the packet limit was reached before enough video packets came.
 */
function sampledFromPackets(json: unknown): number | undefined | 'too-few' {
  const { streams = [], packets = [] } = json as ProbeJson;
  const video = streams.find((s) => s.codec_type === 'video');
  if (video?.index === undefined) return undefined;
  const times = packets
    .filter((p) => p.stream_index === video.index)
    .slice(0, SAMPLE_VIDEO_PACKETS)
    .map((p) => Number.parseFloat(p.pts_time ?? ''));
  if (times.length < SAMPLE_VIDEO_PACKETS && packets.length >= SAMPLE_ALL_PACKETS_COUNT) return 'too-few';
  return frameRateFromTimestamps(times);
}

/**
 * The picture rate measured from the first video packets' timestamps (demuxing only, no decoding): the
 * check on r_frame_rate, which is a guess from time bases. Undefined when there are too few to tell.
 */
async function sampleFrameRate(file: string, signal?: AbortSignal): Promise<number | undefined> {
  const args = ['-select_streams', 'v:0', '-read_intervals', `%+#${SAMPLE_VIDEO_PACKETS}`];
  args.push('-show_entries', 'packet=pts_time', '-of', 'csv=p=0');
  try {
    const stdout = await ffprobeQuery(file, args, { signal, timeoutMs: PROBE_TIMEOUT_MS });
    return frameRateFromTimestamps(stdout.split('\n').map((l) => Number.parseFloat(l)));
  } catch {
    return undefined;
  }
}

async function checkReadableFile(file: string): Promise<void> {
  let info;
  try {
    info = await stat(file);
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw new StudioError('FILE_NOT_FOUND', `${file}: no such file`, { file, cause });
    }
    throw new StudioError('IO_ERROR', `${file}: cannot read it (${code ?? String(cause)})`, { file, cause });
  }
  if (!info.isFile()) throw new StudioError('NOT_A_FILE', `${file}: is not a regular file`, { file });
  if (info.size === 0) throw new StudioError('FILE_EMPTY', `${file}: is empty (0 bytes)`, { file });
}

function classifyProbeFailure(file: string, error: unknown): unknown {
  if (!(error instanceof StudioError) || error.code !== 'FFMPEG_FAILED') return error;
  const tail = (error.detail ?? '').split('\n');
  const demuxer = refusedDemuxer(tail);
  if (demuxer) {
    return new StudioError('NOT_MEDIA', refusedFormatMessage(file, demuxer), { file, detail: error.detail });
  }
  const reason = failureReason(tail);
  return looksTruncated(tail)
    ? new StudioError('TRUNCATED', `${file}: the file is truncated or incomplete (${reason})`, {
        file,
        detail: error.detail,
      })
    : new StudioError('NOT_MEDIA', `${file}: not a video or audio file ffmpeg can read (${reason})`, {
        file,
        detail: error.detail,
      });
}
