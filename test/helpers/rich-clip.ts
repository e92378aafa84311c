import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { binaries } from '../../src/node/ffmpeg/binaries.js';
import { runProcess } from '../../src/node/ffmpeg/runner.js';
import { cachedFile } from './clips.js';

export const RICH_SUBTITLE_SRT = `1
00:00:02,000 --> 00:00:03,000
Hello from the embedded track

2
00:00:03,500 --> 00:00:04,500
Second cue
`;

/**
 * A 6 s MKV like a real upload: 1.5 s of black then the test picture (a poster must not pick the black),
 * two audio tracks (English default, German quieter), and an English SRT subtitle track.
 */
export function richClip(): Promise<string> {
  return cachedFile('rich.mkv', 'rich-v1', async (file) => {
    const { ffmpeg } = await binaries();
    const srt = path.join(path.dirname(file), 'embedded.srt');
    await writeFile(srt, RICH_SUBTITLE_SRT);
    const args = ['-hide_banner', '-nostdin', '-loglevel', 'error', '-y'];
    args.push('-f', 'lavfi', '-i', 'color=black:size=640x360:rate=30:duration=1.5');
    args.push('-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=30:duration=4.5');
    args.push('-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000:duration=6');
    args.push('-f', 'lavfi', '-i', 'sine=frequency=880:sample_rate=48000:duration=6');
    args.push('-i', `file:${srt}`);
    args.push('-filter_complex', '[0:v][1:v]concat=n=2:v=1:a=0[v];[3:a]volume=0.3[quiet]');
    args.push('-map', '[v]', '-map', '2:a', '-map', '[quiet]', '-map', '4:s');
    args.push('-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-c:s', 'srt');
    args.push(
      '-metadata:s:a:0',
      'language=eng',
      '-metadata:s:a:1',
      'language=ger',
      '-metadata:s:s:0',
      'language=eng',
    );
    args.push('-disposition:a:0', 'default', '-disposition:a:1', '0', `file:${file}`);
    await runProcess({ bin: ffmpeg.path, args, timeoutMs: 120_000 });
  });
}
