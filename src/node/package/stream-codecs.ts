import { StudioError } from '../../common/errors.js';
import {
  aacCodecString,
  avcCodecString,
  hevcCodecString,
  parseTraceHeaders,
} from '../../common/hls/codec-string.js';
import { safeInputOptions } from '../../common/ffmpeg/input-args.js';
import { binaries } from '../ffmpeg/binaries.js';
import { ffprobeQuery, firstCsvField } from '../ffmpeg/ffprobe-query.js';
import { runProcess } from '../ffmpeg/runner.js';
import { ffmpegInputUrl } from '../probe/probe-source.js';

const TIMEOUT_MS = 30_000;

/**
 * The RFC 6381 string of the video in an encoded file (a TS segment, or an fMP4 init segment), read from
 * its parameter sets by ffmpeg's trace_headers bitstream filter.
 */
export async function videoCodecString(
  file: string,
  codec: 'h264' | 'hevc',
  signal?: AbortSignal,
): Promise<string> {
  const { ffmpeg } = await binaries();
  const args = ['-hide_banner', '-nostdin', ...safeInputOptions(), '-i', ffmpegInputUrl(file)];
  args.push('-map', '0:v:0', '-c', 'copy', '-bsf:v', 'trace_headers', '-frames:v', '1', '-f', 'null', '-');
  const traced = await runProcess({
    bin: ffmpeg.path,
    args,
    signal,
    captureStderr: true,
    timeoutMs: TIMEOUT_MS,
    file,
  });
  const fields = parseTraceHeaders(traced.stderr);
  const codecString = codec === 'h264' ? avcCodecString(fields) : hevcCodecString(fields);
  if (!codecString)
    throw new StudioError('PACKAGE_INVALID', `${file}: no ${codec} parameter sets found`, { file });
  return codecString;
}

/** mp4a.40.x for the AAC in an encoded file, from ffprobe's profile name. */
export async function audioCodecString(file: string, signal?: AbortSignal): Promise<string> {
  const args = ['-select_streams', 'a:0', '-show_entries', 'stream=profile', '-of', 'csv=p=0'];
  return aacCodecString(firstCsvField(await ffprobeQuery(file, args, { signal, timeoutMs: TIMEOUT_MS })));
}
