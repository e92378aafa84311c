import { copyFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { buildChunkArgs } from '../../common/ffmpeg/hls-args.js';
import { IMAGE_FRAMES } from '../../common/ffmpeg/image-args.js';
import { chunkPlan, filmTrackPlan, type ChunkWindow } from '../../common/plan/chunk-plan.js';
import type { EncodePlan } from '../../common/plan/encode-plan.js';
import { BURN_IN_FILE } from '../../common/plan/ladder-plan.js';
import type { RunResult } from '../ffmpeg/runner.js';
import { runPart, type PartContext } from './part-run.js';

export interface ChunkContext extends PartContext {
  /** The folder the plan's inputs were prepared in (prepareInputs): the text subtitle to burn in. */
  preparedDir?: string;
}

/**
 * Encodes one window of the film into every rung (chunk-plan.ts chunkPlan, hls-args.ts buildChunkArgs)
 * into `dir`: `<rung id>/index.m3u8` and its segments, numbered from the window's first segment, with
 * timestamps from the window's start, and the window's image frames under `.work/images`. Separately callable: a farm runs one chunk per job, anywhere
 * the source and the prepared plan can be read.
 */
export async function encodeChunk(
  plan: EncodePlan,
  window: ChunkWindow,
  windows: readonly ChunkWindow[],
  dir: string,
  ctx: ChunkContext = {},
): Promise<RunResult> {
  await mkdir(path.join(dir, path.dirname(BURN_IN_FILE)), { recursive: true });
  if (plan.images) await mkdir(path.join(dir, IMAGE_FRAMES.dir), { recursive: true });
  const burnIn = plan.video?.burnIn;
  if (burnIn && !burnIn.bitmap && ctx.preparedDir)
    await copyFile(path.join(ctx.preparedDir, BURN_IN_FILE), path.join(dir, BURN_IN_FILE));
  return runPart(chunkArgs(plan, window, windows), dir, window.durationSec, ctx);
}

/** The ffmpeg arguments of one chunk, as `encodeChunk` runs them. */
export function chunkArgs(plan: EncodePlan, window: ChunkWindow, windows: readonly ChunkWindow[]): string[] {
  return buildChunkArgs(chunkPlan(plan, window, windows), {
    startSec: window.startSec,
    firstSegment: window.firstSegment,
  });
}

/**
 * The film-long part of a chunked encode (chunk-plan.ts filmTrackPlan): every audio rendition as
 * `<audio id>/…`, into `dir`. Nothing to do (undefined) when the plan has no audio.
 */
export async function encodeFilmTrack(
  plan: EncodePlan,
  dir: string,
  ctx: PartContext = {},
): Promise<RunResult | undefined> {
  const args = filmTrackArgs(plan);
  if (!args) return undefined;
  await mkdir(dir, { recursive: true });
  return runPart(args, dir, plan.durationSec, ctx);
}

/** The ffmpeg arguments of the film-long part, as `encodeFilmTrack` runs them; undefined if none. */
export function filmTrackArgs(plan: EncodePlan): string[] | undefined {
  const film = filmTrackPlan(plan);
  return film && buildChunkArgs(film, { startSec: 0, firstSegment: 0 });
}
