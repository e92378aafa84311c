import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { binaries } from '../../src/node/ffmpeg/binaries.js';
import { runProcess } from '../../src/node/ffmpeg/runner.js';
import { cachedFile } from '../helpers/clips.js';

/**
 * The good files a fuzz run damages: one tiny generated clip per container we accept (picture and sound,
 * each container with codecs it is typically found with), and for long runs the real-world files in
 * ../shared/media.
 */
const GENERATED: Record<string, string[]> = {
  'clip.mp4': ['-c:v', 'libx264', '-preset', 'ultrafast', '-g', '10', '-c:a', 'aac', '-b:a', '64k'],
  'clip.mov': ['-c:v', 'libx264', '-preset', 'ultrafast', '-g', '10', '-c:a', 'pcm_s16le'],
  'clip.mkv': ['-c:v', 'libx264', '-preset', 'ultrafast', '-g', '10', '-c:a', 'ac3', '-b:a', '96k'],
  'clip.ts': ['-c:v', 'mpeg2video', '-g', '10', '-b:v', '400k', '-c:a', 'mp2', '-b:a', '96k'],
  'clip.webm': ['-c:v', 'libvpx', '-deadline', 'realtime', '-b:v', '300k', '-g', '10', '-c:a', 'libvorbis'],
};

export interface FuzzBase {
  name: string;
  bytes: Buffer;
  /** Seconds of media in the undamaged file: no package of a mutant may be much longer. */
  durationSec: number;
}

export const GENERATED_DURATION_SEC = 2;

export async function generatedBases(): Promise<FuzzBase[]> {
  const { ffmpeg } = await binaries();
  const bases: FuzzBase[] = [];
  for (const [name, codecArgs] of Object.entries(GENERATED)) {
    const file = await cachedFile(name, `fuzz-v1 ${codecArgs.join(' ')}`, async (target) => {
      await runProcess({
        bin: ffmpeg.path,
        args: [
          ...['-hide_banner', '-nostdin', '-loglevel', 'error', '-y'],
          ...['-f', 'lavfi', '-i', `testsrc2=size=192x108:rate=15:duration=${GENERATED_DURATION_SEC}`],
          ...['-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=48000:duration=${GENERATED_DURATION_SEC}`],
          ...['-pix_fmt', 'yuv420p', ...codecArgs, `file:${target}`],
        ],
        timeoutMs: 120_000,
      });
    });
    bases.push({ name, bytes: await readFile(file), durationSec: GENERATED_DURATION_SEC });
  }
  return bases;
}

/** Real files from ../shared/media up to `maxBytes` (the long run's extra bases); none when absent. */
export async function sharedMediaBases(mediaDir: string, maxBytes: number): Promise<FuzzBase[]> {
  const names = await readdir(mediaDir).catch(() => [] as string[]);
  const bases: FuzzBase[] = [];
  const { ffprobe } = await binaries();
  for (const name of names.sort()) {
    if (name.endsWith('.md')) continue;
    const file = path.join(mediaDir, name);
    const info = await stat(file);
    if (!info.isFile() || info.size > maxBytes) continue;
    const probed = await runProcess({
      bin: ffprobe.path,
      args: ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', `file:${file}`],
      captureStdout: true,
      timeoutMs: 30_000,
    }).catch(() => undefined);
    const durationSec = Number(probed?.stdout.trim());
    bases.push({
      name,
      bytes: await readFile(file),
      durationSec: Number.isFinite(durationSec) && durationSec > 0 ? durationSec : 60,
    });
  }
  return bases;
}
