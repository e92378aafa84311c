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
  const { ffprobe } = await binaries();
  const args = ['-v', 'warning', '-hide_banner', ...safeInputOptions()];
  args.push('-show_format', '-show_streams', '-of', 'json', ffmpegInputUrl(absolute));
  let stdout: string;
  let warnings: string[];
  try {
    const result = await runProcess({
      bin: ffprobe.path,
      args,
      signal: options.signal,
      timeoutMs: PROBE_TIMEOUT_MS,
      captureStdout: true,
      file: absolute,
    });
    stdout = result.stdout;
    warnings = usefulWarnings(result.stderrTail);
  } catch (error) {
    throw classifyProbeFailure(absolute, error);
  }
  let json: unknown;
  try {
    json = JSON.parse(stdout);
  } catch (cause) {
    throw new StudioError('NOT_MEDIA', `${absolute}: ffprobe's answer was not JSON`, {
      file: absolute,
      cause,
    });
  }
  const hasVideo = (json as { streams?: { codec_type?: string }[] }).streams?.some(
    (s) => s.codec_type === 'video',
  );
  const sampledFps = hasVideo ? await sampleFrameRate(absolute, options.signal) : undefined;
  return parseFfprobeJson(absolute, json, warnings, sampledFps);
}

/**
 * The picture rate measured from the first packets' timestamps (demuxing only, no decoding): the check on
 * r_frame_rate, which is a guess from time bases. Undefined when there are too few packets to tell.
 */
async function sampleFrameRate(file: string, signal?: AbortSignal): Promise<number | undefined> {
  const args = [
    '-select_streams',
    'v:0',
    '-read_intervals',
    '%+#240',
    '-show_entries',
    'packet=pts_time',
    '-of',
    'csv=p=0',
  ];
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
