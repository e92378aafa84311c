/**
 * Generated benchmark sources, cached by their parameters: a 10-minute noisy 1080p clip takes minutes
 * to make, so it is made once and reused (test-artifacts/bench-sources/<key>.mp4, with <key>.json
 * recording how long it took).
 *
 * The picture is lavfi testsrc2 with temporal noise (film-like grain: every frame differs, as from a
 * phone sensor in low light), encoded by libx264 at a phone-like bit rate with a 1 s GOP; the sound is a
 * stereo AAC sine.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { runMeasured } from './measured-process.js';

export interface SourceSpec {
  width: number;
  height: number;
  frameRate: number;
  durationSec: number;
  videoKbps: number;
  /** ffmpeg `noise` filter strength (alls), temporal (allf=t). */
  grain: number;
  x264Preset: string;
  /**
   * Another lavfi picture than testsrc2 (per-title bench: content of other difficulty): a graph that
   * makes width x height at frameRate; the grain, when > 0, is added after it.
   */
  picture?: { name: string; graph: string };
}

export interface BenchSource {
  file: string;
  spec: SourceSpec;
  sizeBytes: number;
  cached: boolean;
  /** How long making it took (now or when it was cached). */
  generation: { wallSec: number; cpuSec: number; at: string; command: string[] };
}

// Bump when the recipe changes, so an old cached file is not taken for the new one.
const RECIPE = 'r1';
const AUDIO_KBPS = 192;

export function sourceKey(spec: SourceSpec): string {
  return [
    `${spec.picture?.name ?? 'testsrc2'}-${RECIPE}`,
    `${spec.width}x${spec.height}`,
    `${spec.frameRate}fps`,
    `${spec.durationSec}s`,
    `grain${spec.grain}`,
    `${spec.videoKbps}k`,
    spec.x264Preset,
  ].join('-');
}

export async function ensureSource(dir: string, spec: SourceSpec, ffmpeg: string): Promise<BenchSource> {
  const key = sourceKey(spec);
  const file = path.resolve(dir, `${key}.mp4`);
  const metaFile = path.resolve(dir, `${key}.json`);
  if (existsSync(file) && existsSync(metaFile)) {
    const generation = JSON.parse(await readFile(metaFile, 'utf8')) as BenchSource['generation'];
    return { file, spec, sizeBytes: (await stat(file)).size, cached: true, generation };
  }
  await mkdir(dir, { recursive: true });
  const partial = path.resolve(dir, `.${key}.partial-${process.pid}.mp4`);
  const args = generateArgs(spec, partial);
  console.log(`generating ${path.relative(process.cwd(), file)} (${spec.durationSec} s; cached afterwards)…`);
  let lastDecile = 0;
  try {
    const measured = await runMeasured(ffmpeg, args, {
      onLine: (line) => {
        const us = /^out_time_us=(\d+)$/.exec(line)?.[1];
        const decile = us ? Math.floor(Number(us) / 1e6 / spec.durationSec / 0.1) : 0;
        if (decile > lastDecile && decile < 10) {
          lastDecile = decile;
          process.stdout.write(`  ${decile * 10}%\n`);
        }
      },
    });
    if (measured.exitCode !== 0) {
      throw new Error(`generating the source failed (exit ${measured.exitCode}):\n${measured.stderrTail}`);
    }
    const generation = {
      wallSec: measured.wallSec,
      cpuSec: measured.cpuSec,
      at: new Date().toISOString(),
      command: [ffmpeg, ...args.map((a) => (a === partial ? file : a))],
    };
    await rename(partial, file);
    await writeFile(metaFile, JSON.stringify(generation, null, 2) + '\n');
    return { file, spec, sizeBytes: (await stat(file)).size, cached: false, generation };
  } finally {
    await rm(partial, { force: true });
  }
}

function generateArgs(spec: SourceSpec, output: string): string[] {
  const { width, height, frameRate, durationSec, videoKbps, picture } = spec;
  // Grain after the conversion to 4:2:0, so it is in the very samples x264 encodes.
  const grain = `noise=alls=${spec.grain}:allf=t`;
  const video = picture
    ? [
        '-t',
        String(durationSec),
        '-f',
        'lavfi',
        '-i',
        `${picture.graph},format=yuv420p${spec.grain > 0 ? `,${grain}` : ''}`,
      ]
    : [
        ...['-f', 'lavfi', '-i'],
        `testsrc2=size=${width}x${height}:rate=${frameRate}:duration=${durationSec},format=yuv420p,${grain}`,
      ];
  return [
    ...['-hide_banner', '-nostdin', '-nostats', '-loglevel', 'error', '-progress', 'pipe:1', '-y'],
    ...video,
    '-f',
    'lavfi',
    '-i',
    `sine=frequency=1000:sample_rate=48000:duration=${durationSec}`,
    ...['-map', '0:v', '-map', '1:a'],
    ...['-c:v', 'libx264', '-preset', spec.x264Preset, '-profile:v', 'high', '-pix_fmt', 'yuv420p'],
    ...['-b:v', `${videoKbps}k`, '-maxrate:v', `${videoKbps}k`, '-bufsize:v', `${videoKbps * 2}k`],
    ...['-g', String(frameRate)],
    ...['-c:a', 'aac', '-b:a', `${AUDIO_KBPS}k`, '-ac', '2'],
    ...['-movflags', '+faststart', output],
  ];
}
