import { createProgressParser } from '../../common/ffmpeg/progress-parser.js';
import { binaries } from '../ffmpeg/binaries.js';
import { runProcess, type RunResult } from '../ffmpeg/runner.js';

/** What every part of a chunked encode (a chunk, the film-long audio) is run with. */
export interface PartContext {
  signal?: AbortSignal;
  onCommand?: (commandLine: string) => void;
  stallTimeoutMs?: number;
  /** The user's file, named in errors. */
  file?: string;
  /** 0..1 of the part's own media time. */
  onProgress?: (ratio: number) => void;
}

/**
 * Runs one part's ffmpeg in its folder, reporting the share of `durationSec` written so far. ffmpeg's
 * out_time counts from the part's start, without its -output_ts_offset (measured on 5.1).
 */
export async function runPart(
  args: string[],
  cwd: string,
  durationSec: number,
  ctx: PartContext,
): Promise<RunResult> {
  const { ffmpeg } = await binaries();
  const parser = createProgressParser((p) => {
    const ratio = p.end ? 1 : durationSec > 0 ? Math.min(1, p.outTimeSec / durationSec) : 0;
    ctx.onProgress?.(ratio);
  });
  return runProcess({
    bin: ffmpeg.path,
    args,
    cwd,
    signal: ctx.signal,
    stallTimeoutMs: ctx.stallTimeoutMs,
    onStdout: (chunk) => parser.push(chunk),
    onCommand: ctx.onCommand,
    file: ctx.file,
  });
}
