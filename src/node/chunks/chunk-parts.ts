import { createHash } from 'node:crypto';
import type { ChunkWindow } from '../../common/plan/chunk-plan.js';
import type { EncodePlan } from '../../common/plan/encode-plan.js';
import { chunkArgs, filmTrackArgs } from './chunk-encode.js';

/** A part of a chunked encode: one window of the video, or the film-long audio. */
export type ChunkPart = ChunkWindow | 'film';

/** The part's folder name (in the work folder, and under a farm's parts prefix): `chunk-002`, `film`. */
export function partName(part: ChunkPart): string {
  return part === 'film' ? 'film' : `chunk-${String(part.index).padStart(3, '0')}`;
}

/**
 * What the part's ffmpeg run is, in 16 hex digits: its arguments with the source's path left out. Parts
 * encoded on different machines join only if they were cut from one plan (same source, preset, options
 * and planner); a farm's stitch job compares every part's print with its own plan's.
 */
export function partFingerprint(plan: EncodePlan, part: ChunkPart, windows: readonly ChunkWindow[]): string {
  const args = part === 'film' ? (filmTrackArgs(plan) ?? []) : chunkArgs(plan, part, windows);
  const text = JSON.stringify(args).split(plan.input).join('<source>');
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}
