import { binaries } from '../ffmpeg/binaries.js';
import { runProcess } from '../ffmpeg/runner.js';

export interface TestClipOptions {
  width?: number;
  height?: number;
  /** "30", "30000/1001", … */
  frameRate?: string;
  durationSec?: number;
  /** 0 for no audio track. */
  audioChannels?: number;
  /** Skip the picture: an audio-only file. */
  noVideo?: boolean;
  /** Video encoder options for the clip itself (default: fast H.264). */
  videoArgs?: string[];
  /** Extra output options before the file name (metadata, rotation, …). */
  extraArgs?: string[];
}

/**
 * Makes a clip from ffmpeg's own test sources (testsrc2 picture, sine tone): the demo, the tests and the
 * benchmarks all use it, so nothing depends on media files of our own.
 */
export async function makeTestClip(file: string, options: TestClipOptions = {}): Promise<string> {
  const { ffmpeg } = await binaries();
  const width = options.width ?? 1280;
  const height = options.height ?? 720;
  const rate = options.frameRate ?? '30';
  const duration = String(options.durationSec ?? 10);
  const channels = options.audioChannels ?? 2;
  const args = ['-hide_banner', '-nostdin', '-loglevel', 'error', '-y'];
  if (!options.noVideo)
    args.push('-f', 'lavfi', '-i', `testsrc2=size=${width}x${height}:rate=${rate}:duration=${duration}`);
  if (channels > 0) {
    const layout = channels === 6 ? '5.1' : channels === 1 ? 'mono' : 'stereo';
    args.push('-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=48000:duration=${duration}`);
    args.push('-filter:a', `aformat=channel_layouts=${layout}`);
  }
  if (!options.noVideo)
    args.push(...(options.videoArgs ?? ['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p']));
  if (channels > 0) args.push('-c:a', 'aac', '-b:a', '128k');
  args.push(...(options.extraArgs ?? []), `file:${file}`);
  await runProcess({ bin: ffmpeg.path, args, timeoutMs: 300_000 });
  return file;
}
