/**
 * Sources for the per-title benchmark (issue 15 part 4): 1080p30 content of very different difficulty,
 * made by ffmpeg's lavfi sources, plus real footage from ../shared/media when it is long enough.
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { SourceSpec } from './bench-source.js';

export interface GeneratedContent {
  id: string;
  title: string;
  /** Full-size lavfi graph at 1920x1080, 30 fps (no duration: the source's -t cuts it). */
  graph: string;
  grain: number;
}

const W = 1920;
const H = 1080;
const FPS = 30;

/** From easiest to hardest for x264 (bits at CRF 23, veryfast: about 0.5, 7, 20, 50 Mb/s). */
export const GENERATED_CONTENT: GeneratedContent[] = [
  {
    id: 'flat',
    title: 'flat graphics: SMPTE HD bars with a small testsrc2 inset drifting slowly',
    graph:
      `smptehdbars=size=${W}x${H}:rate=${FPS}[bg];testsrc2=size=480x270:rate=${FPS}[fg];` +
      `[bg][fg]overlay=x='200+40*t':y='300+10*t'`,
    grain: 0,
  },
  {
    id: 'animation',
    title: 'animated scene: a Mandelbrot zoom, rendered at 960x540 and scaled up (soft, smooth)',
    graph: `mandelbrot=size=960x540:rate=${FPS},scale=${W}:${H}:flags=bicubic`,
    grain: 0,
  },
  {
    id: 'grain',
    title: 'film grain: testsrc2 with strong temporal noise (every frame differs)',
    graph: `testsrc2=size=${W}x${H}:rate=${FPS}`,
    grain: 20,
  },
  {
    id: 'motion',
    title: 'fast detailed motion: Conway’s life (mold), 960x540 cells scaled up, changing every frame',
    graph:
      `life=size=960x540:rate=${FPS}:mold=10:ratio=0.5:life_color=#e0f0ff:death_color=#402010,` +
      `scale=${W}:${H}:flags=bicubic`,
    grain: 0,
  },
];

/** Bump when a graph above changes, so a cached source of the old recipe is not reused. */
const CONTENT_RECIPE = 'pt1';

/** Phone-like 20 Mb/s for every picture: far above what any rung spends, so the rungs meet the source. */
export function contentSpec(content: GeneratedContent, durationSec: number): SourceSpec {
  return {
    width: W,
    height: H,
    frameRate: FPS,
    durationSec,
    videoKbps: 20_000,
    grain: content.grain,
    x264Preset: 'veryfast',
    picture: { name: `${content.id}-${CONTENT_RECIPE}`, graph: content.graph },
  };
}

const run = promisify(execFile);

/**
 * Files in `dir` at least `minSec` long whose picture really decodes (one second from the middle):
 * a header may claim 940 s over zeroed data (../shared/media 19 does).
 */
export async function realFootage(
  dir: string,
  minSec: number,
): Promise<{ file: string; durationSec: number }[]> {
  if (!existsSync(dir)) return [];
  const found: { file: string; durationSec: number }[] = [];
  for (const name of readdirSync(dir).sort()) {
    const file = path.join(dir, name);
    const durationSec = await videoDuration(file);
    if (durationSec === undefined || durationSec < minSec) continue;
    if (await decodes(file, durationSec / 2)) found.push({ file, durationSec });
  }
  return found;
}

async function videoDuration(file: string): Promise<number | undefined> {
  try {
    const { stdout } = await run('ffprobe', [
      ...['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'format=duration:stream=codec_type'],
      ...['-of', 'json', file],
    ]);
    const json = JSON.parse(stdout) as { format?: { duration?: string }; streams?: unknown[] };
    const duration = Number(json.format?.duration);
    return json.streams?.length && Number.isFinite(duration) ? duration : undefined;
  } catch {
    return undefined;
  }
}

async function decodes(file: string, atSec: number): Promise<boolean> {
  try {
    const { stderr } = await run('ffmpeg', [
      ...['-hide_banner', '-nostdin', '-v', 'error', '-xerror', '-ss', String(atSec), '-i', file],
      ...['-t', '1', '-map', '0:v:0', '-f', 'null', '-'],
    ]);
    return !stderr.trim();
  } catch {
    return false;
  }
}
