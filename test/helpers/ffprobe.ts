import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** ffprobe JSON of a file, run independently of the engine's own probe code. */
export async function ffprobeJson(file: string, args: string[]): Promise<Record<string, unknown[]>> {
  const { stdout } = await run('ffprobe', ['-v', 'error', '-of', 'json', ...args, file], {
    maxBuffer: 32 * 1024 * 1024,
  });
  return JSON.parse(stdout) as Record<string, unknown[]>;
}

export interface ProbedStream {
  codec_name: string;
  profile?: string;
  level?: number;
  width?: number;
  height?: number;
  r_frame_rate?: string;
  channels?: number;
  sample_rate?: string;
}

export async function firstStream(file: string, select: 'v:0' | 'a:0'): Promise<ProbedStream> {
  const json = await ffprobeJson(file, ['-select_streams', select, '-show_streams']);
  return json.streams![0] as ProbedStream;
}

/** Key-frame flag and timestamp of the first video frame of a segment (decoded, not guessed). */
export async function firstVideoFrame(
  file: string,
): Promise<{ key_frame: number; pict_type: string; pts_time: string }> {
  const json = await ffprobeJson(file, [
    '-select_streams',
    'v:0',
    '-read_intervals',
    '%+#1',
    '-show_entries',
    'frame=key_frame,pict_type,pts_time',
    '-show_frames',
  ]);
  return json.frames![0] as { key_frame: number; pict_type: string; pts_time: string };
}
