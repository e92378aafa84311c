import { stat } from 'node:fs/promises';
import { StudioError } from '../../common/errors.js';
import type { SubtitleSource } from '../../common/plan/encode-plan.js';
import { refusedDemuxer } from '../../common/ffmpeg/failure-reason.js';
import { SOURCE_DEMUXERS, SUBTITLE_DEMUXERS, safeInputOptions } from '../../common/ffmpeg/input-args.js';
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
  // A sidecar is read by the subtitle demuxers only; a stream of the source by the source's ones.
  const demuxers = source.kind === 'file' ? SUBTITLE_DEMUXERS : SOURCE_DEMUXERS;
  const args = ['-hide_banner', '-nostdin', '-loglevel', 'error', '-y', ...safeInputOptions(demuxers)];
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
      const demuxer = refusedDemuxer((error.detail ?? '').split('\n'));
      if (demuxer) {
        throw new StudioError(
          'NOT_MEDIA',
          `${from}: not a subtitle file (it reads as ${demuxer}); give a .srt, .vtt or .ass file`,
          {
            file: from,
            detail: error.detail,
          },
        );
      }
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
