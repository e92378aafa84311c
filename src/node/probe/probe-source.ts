import { stat } from 'node:fs/promises';
import path from 'node:path';
import { StudioError } from '../../common/errors.js';
import { parseFfprobeJson } from '../../common/media/ffprobe-parse.js';
import type { SourceInfo } from '../../common/media/source-info.js';
import { binaries } from '../ffmpeg/binaries.js';
import { runProcess } from '../ffmpeg/runner.js';

const PROBE_TIMEOUT_MS = 60_000;

/** Absolute and `file:`-prefixed: how every user path is handed to ffmpeg (HLS-NOTES: `concat:a|b.mp4`, `-y.ts`). */
export function ffmpegInputUrl(absolutePath: string): string {
  return `file:${absolutePath}`;
}

/**
 * Describes one input file, or fails with a StudioError naming the file and the cause:
 * FILE_NOT_FOUND, NOT_A_FILE, FILE_EMPTY, TRUNCATED, NOT_MEDIA, NO_MEDIA_STREAMS.
 */
export async function probeSource(file: string, options: { signal?: AbortSignal } = {}): Promise<SourceInfo> {
  const absolute = path.resolve(file);
  await checkReadableFile(absolute);
  const { ffprobe } = await binaries();
  const args = ['-v', 'warning', '-hide_banner', '-protocol_whitelist', 'file'];
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
    warnings = [...new Set(result.stderrTail.map(stripContext))].slice(0, 10);
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
  return parseFfprobeJson(absolute, json, warnings);
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
  const detail = error.detail ?? '';
  // A text file renamed .mp4 is "detected only with low score", then also lacks a moov: not media at all.
  const guessed = /misdetection possible|low score/i.test(detail);
  const truncation = /moov atom not found|partial file|Truncating packet|unexpected end of file/i.exec(
    detail,
  );
  if (truncation && !guessed) {
    return new StudioError('TRUNCATED', `${file}: the file is truncated or incomplete (${truncation[0]})`, {
      file,
      detail,
    });
  }
  return new StudioError(
    'NOT_MEDIA',
    `${file}: not a video or audio file ffmpeg can read (${lastReason(detail)})`,
    {
      file,
      detail,
    },
  );
}

function lastReason(detail: string): string {
  const lines = detail.split('\n').filter((l) => l.trim() && !l.startsWith('('));
  return stripContext(lines[lines.length - 1] ?? 'unknown reason').replace(/^file:.*: /, '');
}

/** "[mov,mp4 @ 0x55…] moov atom not found" → "moov atom not found". */
function stripContext(line: string): string {
  return line.replace(/^\[[^\]]*@ 0x[0-9a-f]+\]\s*/, '').trim();
}
