import { appendFile, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import HLS from 'hls-parser';
import { StudioError } from '../../common/errors.js';
import { PACKAGE_NAMES } from '../../common/package/package-layout.js';
import { playlistPath, type RenditionKind, type RenditionModel } from '../../common/package/package-model.js';
import type { SegmentMerge } from '../../common/package/package-steps.js';

/**
 * Reads the media playlist ffmpeg wrote for one rendition into the package model, checking that every
 * segment it names is on disk and non-empty. ffmpeg's text is read once here and never written back:
 * the assembler writes every playlist from the model.
 */
export async function readRendition(
  packageDir: string,
  id: string,
  kind: RenditionKind,
): Promise<RenditionModel> {
  const uri = playlistPath({ id });
  const playlist = parsePlaylist(await readFile(path.join(packageDir, uri), 'utf8'));
  if (playlist.isMasterPlaylist) throw new StudioError('PACKAGE_INVALID', `${uri} is not a media playlist`);
  const sizes = await Promise.all(playlist.segments.map((s) => sizeIfAny(packageDir, `${id}/${s.uri}`)));
  const empty = sizes.findIndex((size) => size === 0);
  if (empty >= 0 || sizes.length === 0) {
    const startSec = playlist.segments.slice(0, Math.max(0, empty)).reduce((sum, s) => sum + s.duration, 0);
    throw new EmptyRenditionError(id, kind, startSec, playlist.segments[empty]?.uri);
  }
  const segments = playlist.segments.map((s, i) => ({
    name: s.uri,
    durationSec: s.duration,
    bytes: sizes[i]!,
  }));
  const rendition: RenditionModel = { id, kind, segments };
  const mapUri = playlist.segments[0]?.map?.uri;
  if (mapUri) {
    // ffmpeg names it init_<variant>.mp4 whatever -hls_fmp4_init_filename says: give it the package's name.
    await rename(path.join(packageDir, id, mapUri), path.join(packageDir, id, PACKAGE_NAMES.initSegment));
    rendition.initName = PACKAGE_NAMES.initSegment;
  }
  return rendition;
}

/**
 * How long ffmpeg's media playlist for one rendition lasts (the sum of its EXTINFs), and whether every
 * segment it names is on disk and non-empty (readRendition reports the ones that are not).
 */
export async function renditionSpan(
  packageDir: string,
  id: string,
): Promise<{ seconds: number; complete: boolean }> {
  const playlist = await readMediaPlaylist(packageDir, id);
  if (!playlist) return { seconds: 0, complete: false };
  const sizes = await Promise.all(playlist.segments.map((s) => sizeIfAny(packageDir, `${id}/${s.uri}`)));
  return {
    seconds: playlist.segments.reduce((sum, s) => sum + s.duration, 0),
    complete: sizes.length > 0 && sizes.every((size) => size > 0),
  };
}

/** The EXTINF of every segment of a rendition's media playlist, in order (none without one). */
export async function segmentDurationsSec(packageDir: string, id: string): Promise<number[]> {
  return (await stagedSegments(packageDir, id))?.map((s) => s.durationSec) ?? [];
}

/** ffmpeg's segments of one rendition as its media playlist lists them; undefined before it is written. */
export async function stagedSegments(
  packageDir: string,
  id: string,
): Promise<{ name: string; durationSec: number }[] | undefined> {
  return (await readMediaPlaylist(packageDir, id))?.segments.map((s) => ({
    name: s.uri,
    durationSec: s.duration,
  }));
}

async function readMediaPlaylist(packageDir: string, id: string) {
  const text = await readFile(path.join(packageDir, playlistPath({ id })), 'utf8').catch(() => undefined);
  const playlist = text === undefined ? undefined : parsePlaylist(text);
  return playlist && !playlist.isMasterPlaylist ? playlist : undefined;
}

function parsePlaylist(text: string): ReturnType<typeof HLS.parse> {
  // A sub-second source gets `#EXT-X-TARGETDURATION:0` from ffmpeg; hls-parser would print about it.
  // The model's target duration is computed anyway (unifiedTargetDuration), so read quietly.
  HLS.setOptions({ silent: true });
  try {
    return HLS.parse(text);
  } finally {
    HLS.setOptions({ silent: false });
  }
}

/** Joins two segment files of a rendition (see mergeShortTail). */
export async function applyMerge(packageDir: string, r: RenditionModel, merge: SegmentMerge): Promise<void> {
  const from = path.join(packageDir, r.id, merge.from);
  await appendFile(path.join(packageDir, r.id, merge.into), await readFile(from));
  await rm(from);
}

/** Sizes of a rendition's segment files as they are now (after merging or encryption). */
export async function measureSegments(packageDir: string, r: RenditionModel): Promise<RenditionModel> {
  const segments = await Promise.all(
    r.segments.map(async (s) => ({ ...s, bytes: await sizeOf(packageDir, `${r.id}/${s.name}`) })),
  );
  return { ...r, segments };
}

/**
 * ffmpeg wrote a rendition with no segment, or a missing or empty one: the source stopped giving this
 * stream at `startSec`. The encode names the input and what ffmpeg said (issue 13: 15 runs reported only
 * "segment … is missing or empty").
 */
export class EmptyRenditionError extends StudioError {
  constructor(
    readonly renditionId: string,
    readonly kind: RenditionKind,
    readonly startSec: number,
    readonly segmentUri: string | undefined,
  ) {
    super(
      'UNDECODABLE',
      segmentUri
        ? `segment ${renditionId}/${segmentUri} is missing or empty`
        : `${renditionId} lists no segment: nothing was encoded`,
    );
  }
}

async function sizeIfAny(packageDir: string, uri: string): Promise<number> {
  try {
    return (await stat(path.join(packageDir, uri))).size;
  } catch {
    return 0;
  }
}

async function sizeOf(packageDir: string, uri: string): Promise<number> {
  try {
    const info = await stat(path.join(packageDir, uri));
    if (info.size > 0) return info.size;
  } catch {
    // reported below
  }
  throw new StudioError('PACKAGE_INVALID', `segment ${uri} is missing or empty`);
}
