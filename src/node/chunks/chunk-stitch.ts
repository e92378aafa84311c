import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { findBox, listBoxes } from '../../common/container/iso-boxes.js';
import { StudioError } from '../../common/errors.js';
import { chunkFramePrimers, IMAGE_FRAMES } from '../../common/ffmpeg/image-args.js';
import { writeMediaPlaylist } from '../../common/hls/media-playlist-writer.js';
import { segmentName } from '../../common/package/live-playlists.js';
import { PACKAGE_NAMES } from '../../common/package/package-layout.js';
import { playlistPath, type RenditionModel } from '../../common/package/package-model.js';
import type { ChunkWindow } from '../../common/plan/chunk-plan.js';
import type { EncodePlan, ImagesPlan } from '../../common/plan/encode-plan.js';
import { readRendition } from '../package/media-playlist-reader.js';

export interface StitchInput {
  windows: readonly ChunkWindow[];
  /** `encodeChunk`'s folders, one per window, in order. */
  chunkDirs: readonly string[];
  /** `encodeFilmTrack`'s folder (audio renditions), if the plan has audio. */
  filmDir?: string;
}

/**
 * Joins the chunks into `packageDir` as ffmpeg's one run would have left it: each rung's segments
 * moved in order under the package's names (segmentName), its media playlist listing them all, the
 * chunks' image frames joined, the audio renditions of the film-long part beside them. The package model then does
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
  if (plan.images && plan.video) await stitchImageFrames(plan.images, input, packageDir);
  if (!input.filmDir) return;
  for (const a of plan.audio) await replace(path.join(input.filmDir, a.id), path.join(packageDir, a.id));
}

/**
 * Each chunk dumped the image frames of its window, numbered from 0 (image-args.ts): the package's are
 * every chunk's in order, numbered on, less the primer frames later chunks start with. The images
 * pass then reads them as after a one-pass run.
 */
async function stitchImageFrames(images: ImagesPlan, input: StitchInput, packageDir: string): Promise<void> {
  const target = path.join(packageDir, IMAGE_FRAMES.dir);
  await mkdir(target, { recursive: true });
  const kinds = [
    ['poster', IMAGE_FRAMES.posterCandidates],
    ['storyboard', IMAGE_FRAMES.storyboardThumbs],
    ['preview', IMAGE_FRAMES.previewFrames],
  ] as const;
  for (const [kind, pattern] of kinds) {
    const [prefix, width, suffix] = splitPattern(pattern);
    let next = 0;
    for (const [k, dir] of input.chunkDirs.entries()) {
      const from = path.join(dir, IMAGE_FRAMES.dir);
      const names = (await readdir(from).catch(() => [] as string[]))
        .filter((n) => n.startsWith(prefix) && n.endsWith(suffix))
        .sort();
      const primer = k > 0 && chunkFramePrimers(images, input.windows[k]!.startSec)[kind];
      for (const name of primer ? names.slice(1) : names)
        await rename(
          path.join(from, name),
          path.join(target, `${prefix}${String(next++).padStart(width, '0')}${suffix}`),
        );
    }
  }
}

/** `poster_%03d.jpg` → ['poster_', 3, '.jpg'], as the frames are named on disk. */
function splitPattern(pattern: string): [string, number, string] {
  const m = /^(.*?)%0(\d)d(.*)$/.exec(path.posix.basename(pattern));
  if (!m) throw new Error(`not a frame pattern: ${pattern}`);
  return [m[1]!, Number(m[2]), m[3]!];
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
