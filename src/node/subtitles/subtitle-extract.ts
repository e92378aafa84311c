import { stat } from 'node:fs/promises';
import { StudioError } from '../../common/errors.js';
import type { SubtitleSource } from '../../common/plan/encode-plan.js';
import { binaries } from '../ffmpeg/binaries.js';
import { runProcess } from '../ffmpeg/runner.js';
import { ffmpegInputUrl } from '../probe/probe-source.js';

/**
 * Converts one text subtitle (a stream of the source, or a sidecar .srt/.vtt/.ass) to a single file in
 * `codec` (webvtt for renditions, ass for burn-in). Errors name the subtitle file when it is the culprit.
 */
export async function extractSubtitle(
  input: string,
  source: SubtitleSource,
  outFile: string,
  codec: 'webvtt' | 'ass',
  context: { signal?: AbortSignal; onCommand?: (line: string) => void },
): Promise<void> {
  const { ffmpeg } = await binaries();
  const from = source.kind === 'file' ? source.path : input;
  if (source.kind === 'file') await checkSubtitleFile(source.path);
  const args = ['-hide_banner', '-nostdin', '-loglevel', 'error', '-y', '-protocol_whitelist', 'file'];
  args.push(
    '-i',
    ffmpegInputUrl(from),
    '-map',
    source.kind === 'stream' ? `0:${source.streamIndex}` : '0:s:0',
  );
  args.push('-c:s', codec, '-f', codec === 'webvtt' ? 'webvtt' : 'ass', `file:${outFile}`);
  try {
    await runProcess({
      bin: ffmpeg.path,
      args,
      signal: context.signal,
      onCommand: context.onCommand,
      file: from,
      timeoutMs: 600_000,
    });
  } catch (error) {
    if (error instanceof StudioError && error.code === 'FFMPEG_FAILED') {
      throw new StudioError('NOT_MEDIA', `${from}: this subtitle could not be read (${error.message})`, {
        file: from,
        detail: error.detail,
      });
    }
    throw error;
  }
}

async function checkSubtitleFile(file: string): Promise<void> {
  const info = await stat(file).catch(() => undefined);
  if (!info?.isFile()) throw new StudioError('FILE_NOT_FOUND', `${file}: no such subtitle file`, { file });
  if (info.size === 0) throw new StudioError('FILE_EMPTY', `${file}: the subtitle file is empty`, { file });
}
