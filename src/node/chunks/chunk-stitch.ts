import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { findBox, listBoxes } from '../../common/container/iso-boxes.js';
import { StudioError } from '../../common/errors.js';
import { IMAGE_FRAMES } from '../../common/ffmpeg/image-args.js';
import { writeMediaPlaylist } from '../../common/hls/media-playlist-writer.js';
import { segmentName } from '../../common/package/live-playlists.js';
import { PACKAGE_NAMES } from '../../common/package/package-layout.js';
import { playlistPath, type RenditionModel } from '../../common/package/package-model.js';
import type { ChunkWindow } from '../../common/plan/chunk-plan.js';
import type { EncodePlan } from '../../common/plan/encode-plan.js';
import { readRendition } from '../package/media-playlist-reader.js';

export interface StitchInput {
  windows: readonly ChunkWindow[];
  /** `encodeChunk`'s folders, one per window, in order. */
  chunkDirs: readonly string[];
  /** `encodeFilmTrack`'s folder (audio renditions, image frames), if the plan has audio or images. */
  filmDir?: string;
}

/**
 * Joins the chunks into `packageDir` as ffmpeg's one run would have left it: each rung's segments
 * moved in order under the package's names (segmentName), its media playlist listing them all, the
 * audio renditions and image frames of the film-long part beside them. The package model then does
 * the rest, as for a one-pass encode (package-assembler.ts: measured bit rates over the whole film,
 * I-frame and multivariant playlists). The chunks' timestamps already run on (buildChunkArgs), so no
 * EXT-X-DISCONTINUITY is written. Files are moved, not copied: the chunk folders are spent.
 */
export async function stitchChunks(plan: EncodePlan, input: StitchInput, packageDir: string): Promise<void> {
  if (input.chunkDirs.length !== input.windows.length)
    throw new StudioError(
      'INVALID_ARGUMENT',
      `${input.chunkDirs.length} chunk folders for ${input.windows.length} windows`,
    );
  for (const rung of plan.video?.rungs ?? []) await stitchRung(plan, rung.id, input, packageDir);
  if (!input.filmDir) return;
  for (const a of plan.audio) await replace(path.join(input.filmDir, a.id), path.join(packageDir, a.id));
  if (plan.images && plan.video)
    await replace(path.join(input.filmDir, IMAGE_FRAMES.dir), path.join(packageDir, IMAGE_FRAMES.dir));
}

async function stitchRung(
  plan: EncodePlan,
  id: string,
  input: StitchInput,
  packageDir: string,
): Promise<void> {
  const target = path.join(packageDir, id);
  await mkdir(target, { recursive: true });
  const parts: RenditionModel[] = [];
  for (const dir of input.chunkDirs) parts.push(await readRendition(dir, id, 'video'));
  parts.forEach((part, k) => {
    const window = input.windows[k]!;
    const last = k === parts.length - 1;
    // The last window may end on a partial segment (or ffmpeg may fold a tiny one): one more, or none.
    const expected = last ? [window.segmentCount, window.segmentCount + 1] : [window.segmentCount];
    if (!expected.includes(part.segments.length))
      throw new StudioError(
        'PACKAGE_INVALID',
        `chunk ${k} of ${id} has ${part.segments.length} segments where its window of ` +
          `${window.durationSec.toFixed(3)} s holds ${window.segmentCount}: its keyframes are not where the plan put them`,
      );
  });
  const initName = parts[0]!.initName;
  if (initName) {
    await sameSampleDescription(
      parts.map((p, k) => path.join(input.chunkDirs[k]!, id, p.initName!)),
      id,
    );
    await rename(path.join(input.chunkDirs[0]!, id, initName), path.join(target, PACKAGE_NAMES.initSegment));
  }
  const entries = [];
  for (const [k, part] of parts.entries()) {
    for (const s of part.segments) {
      const name = segmentName(plan.format, entries.length);
      await rename(path.join(input.chunkDirs[k]!, id, s.name), path.join(target, name));
      entries.push({ uri: name, durationSec: s.durationSec });
    }
  }
  const text = writeMediaPlaylist({
    targetDurationSec: Math.max(1, ...entries.map((e) => Math.round(e.durationSec))),
    ...(initName ? { map: { uri: PACKAGE_NAMES.initSegment } } : {}),
    entries,
    independentSegments: true,
  });
  await writeFile(path.join(packageDir, playlistPath({ id })), text);
}

/**
 * fMP4: the stitched rung keeps the first chunk's init section, so every chunk must describe its
 * samples the same way (`stsd`: codec, size, SPS/PPS). Identical encoder settings give identical
 * ones; anything else is a bug, and a player would decode the later chunks with the wrong parameters.
 */
async function sameSampleDescription(files: string[], id: string): Promise<void> {
  const descriptions = await Promise.all(files.map(async (f) => stsdOf(await readFile(f))));
  const first = descriptions[0]!;
  const k = descriptions.findIndex((d) => !d || !first || Buffer.compare(d, first) !== 0);
  if (k >= 0)
    throw new StudioError(
      'PACKAGE_INVALID',
      `chunk ${k} of ${id} describes its samples differently from chunk 0`,
    );
}

function stsdOf(init: Buffer): Buffer | undefined {
  const moov = listBoxes(init).find((b) => b.type === 'moov');
  const trak = moov && findBox(init, moov, 'trak');
  const stsd = trak && findBox(init, trak, 'mdia/minf/stbl/stsd');
  return stsd && init.subarray(stsd.offset, stsd.offset + stsd.size);
}

/** Moves a folder into place, replacing whatever (empty) folder preparation made there. */
async function replace(from: string, to: string): Promise<void> {
  await rm(to, { recursive: true, force: true });
  await mkdir(path.dirname(to), { recursive: true });
  await rename(from, to);
}
