import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { StudioError } from '../../common/errors.js';
import { buildImagesArgs, IMAGE_FRAMES, type ImageFrameCounts } from '../../common/ffmpeg/image-args.js';
import type { ImagesPlan } from '../../common/plan/encode-plan.js';
import { binaries } from '../ffmpeg/binaries.js';
import { runProcess } from '../ffmpeg/runner.js';

interface ImagesPassContext {
  /** The package's staging folder (ffmpeg's working directory, where the frames were dumped). */
  packageDir: string;
  signal?: AbortSignal;
  onCommand?: (line: string) => void;
  stallTimeoutMs?: number;
  file?: string;
}

/**
 * Poster, storyboard sheets and animated preview from the frames the main run dumped (see
 * image-args.ts): one ffmpeg over a few hundred small JPEGs, whatever the video's length.
 */
export async function makeImages(images: ImagesPlan, ctx: ImagesPassContext): Promise<ImageFrameCounts> {
  const counts = await countFrames(path.join(ctx.packageDir, IMAGE_FRAMES.dir));
  if (counts.posterCandidates === 0)
    throw new StudioError(
      'PACKAGE_INVALID',
      `${ctx.file ?? 'the source'}: no picture was decoded for the poster`,
      {
        file: ctx.file,
      },
    );
  const { ffmpeg } = await binaries();
  await runProcess({
    bin: ffmpeg.path,
    args: buildImagesArgs(images, counts),
    cwd: ctx.packageDir,
    signal: ctx.signal,
    onCommand: ctx.onCommand,
    stallTimeoutMs: ctx.stallTimeoutMs,
    file: ctx.file,
  });
  return counts;
}

async function countFrames(dir: string): Promise<ImageFrameCounts> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const count = (pattern: string) => {
    const prefix = path.posix.basename(pattern).split('%')[0]!;
    return names.filter((n) => n.startsWith(prefix) && n.endsWith('.jpg')).length;
  };
  return {
    posterCandidates: count(IMAGE_FRAMES.posterCandidates),
    storyboardThumbs: count(IMAGE_FRAMES.storyboardThumbs),
    previewFrames: count(IMAGE_FRAMES.previewFrames),
  };
}
