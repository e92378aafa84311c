import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { IMAGE_FRAMES } from '../../common/ffmpeg/image-args.js';
import { PACKAGE_NAMES } from '../../common/package/package-layout.js';
import type { EncodePlan } from '../../common/plan/encode-plan.js';
import { BURN_IN_FILE } from '../../common/plan/ladder-plan.js';
import { measureLoudness } from '../audio/loudness-pass.js';
import { extractSubtitle } from '../subtitles/subtitle-extract.js';

interface PrepareContext {
  /** The package's staging folder: ffmpeg's working directory. */
  packageDir: string;
  workDir: string;
  signal?: AbortSignal;
  onCommand?: (line: string) => void;
}

/**
 * Work that must happen before the one big ffmpeg run, and fails fast when a subtitle file is bad:
 * the loudness measuring pass, subtitles converted to WebVTT, the subtitle to burn in as ASS, and the
 * folders image2 writes into. Returns the plan with the loudness measurements filled in.
 */
export async function prepareInputs(plan: EncodePlan, ctx: PrepareContext): Promise<EncodePlan> {
  await mkdir(ctx.workDir, { recursive: true });
  if (plan.images) await mkdir(path.join(ctx.packageDir, IMAGE_FRAMES.dir), { recursive: true });
  if (plan.images?.storyboard)
    await mkdir(path.join(ctx.packageDir, PACKAGE_NAMES.storyboardDir), { recursive: true });
  for (const sub of plan.subtitles) {
    await extractSubtitle(plan.input, sub.source, path.join(ctx.workDir, `${sub.id}.vtt`), 'webvtt', ctx);
  }
  const burnIn = plan.video?.burnIn;
  if (burnIn && !burnIn.bitmap) {
    await extractSubtitle(plan.input, burnIn.source, path.join(ctx.packageDir, BURN_IN_FILE), 'ass', ctx);
  }
  const audio = [];
  for (const a of plan.audio) {
    if (!a.loudness) {
      audio.push(a);
      continue;
    }
    const measured = await measureLoudness(plan.input, a, ctx);
    audio.push({ ...a, loudness: measured ? { ...a.loudness, measured } : undefined });
  }
  return { ...plan, audio };
}
