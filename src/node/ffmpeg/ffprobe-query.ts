import { safeInputOptions } from '../../common/ffmpeg/input-args.js';
import { binaries } from './binaries.js';
import { runProcess } from './runner.js';

/**
 * One ffprobe question about one local file: `-v error`, only the file protocol and the container demuxers
 * of input-args.ts (never a playlist that names other files), the path `file:`-prefixed,
 * and `args` (e.g. `-select_streams v:0 -show_entries packet=pts -of csv=p=0`). Returns stdout.
 */
export async function ffprobeQuery(
  file: string,
  args: string[],
  options: { signal?: AbortSignal; timeoutMs?: number } = {},
): Promise<string> {
  const { ffprobe } = await binaries();
  const { stdout } = await runProcess({
    bin: ffprobe.path,
    args: ['-v', 'error', ...safeInputOptions(), ...args, `file:${file}`],
    signal: options.signal,
    timeoutMs: options.timeoutMs ?? 60_000,
    captureStdout: true,
    file,
  });
  return stdout;
}

/** The first field of the first line of csv output ("1,H.26[45] User Data…" → "1"). */
export function firstCsvField(stdout: string): string {
  return (stdout.trim().split('\n')[0] ?? '').split(',')[0] ?? '';
}
