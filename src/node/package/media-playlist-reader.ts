import { appendFile, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import HLS from 'hls-parser';
import { StudioError } from '../../common/errors.js';
import type { SegmentSample } from '../../common/hls/bitrate-measure.js';

export interface MediaPlaylistFacts {
  /** Path of the playlist relative to the package root ("v0-360p/index.m3u8"). */
  uri: string;
  version: number;
  targetDuration: number;
  segments: (SegmentSample & { uri: string })[];
  /** EXT-X-MAP of an fMP4 playlist, relative to the package root. */
  initUri?: string;
  durationSec: number;
}

/** Reads a media playlist the muxer wrote and checks that every segment it names is on disk and non-empty. */
export async function readMediaPlaylist(packageDir: string, uri: string): Promise<MediaPlaylistFacts> {
  const file = path.join(packageDir, uri);
  const text = await readFile(file, 'utf8');
  const playlist = HLS.parse(text);
  if (playlist.isMasterPlaylist) throw new StudioError('PACKAGE_INVALID', `${uri} is not a media playlist`);
  const dir = path.posix.dirname(uri);
  const segments = await Promise.all(
    playlist.segments.map(async (s) => {
      const segmentUri = path.posix.join(dir, s.uri);
      const bytes = await sizeOf(packageDir, segmentUri);
      return { uri: segmentUri, durationSec: s.duration, bytes };
    }),
  );
  if (segments.length === 0)
    throw new StudioError('PACKAGE_INVALID', `${uri} lists no segment: nothing was encoded`);
  const mapUri = playlist.segments[0]?.map?.uri;
  return {
    uri,
    version: playlist.version ?? 3,
    targetDuration: playlist.targetDuration,
    segments,
    initUri: mapUri ? path.posix.join(dir, mapUri) : undefined,
    durationSec: segments.reduce((sum, s) => sum + s.durationSec, 0),
  };
}

/**
 * Apple HLS 8.2/8.6: audio and video media playlists share one target duration. ffmpeg rounds each
 * playlist's own longest segment up (6.016 s of AAC → 7, 6.006 s of video → 6); RFC 8216 4.3.3.1 only
 * asks that every EXTINF, rounded to the nearest integer, be at most the target.
 */
export async function unifyTargetDuration(
  packageDir: string,
  playlists: MediaPlaylistFacts[],
): Promise<number> {
  const target = Math.max(1, ...playlists.flatMap((p) => p.segments.map((s) => Math.round(s.durationSec))));
  await Promise.all(
    playlists.map(async (p) => {
      const file = path.join(packageDir, p.uri);
      const text = await readFile(file, 'utf8');
      await writeFile(file, text.replace(/^#EXT-X-TARGETDURATION:\d+$/m, `#EXT-X-TARGETDURATION:${target}`));
      p.targetDuration = target;
    }),
  );
  return target;
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

/**
 * Folds a final segment of a fraction of a second (AAC priming makes 21 ms of audio spill past the
 * picture) into the one before it, when the sum still rounds to the nominal duration. TS packets and
 * fMP4 fragments of one muxer run can be appended byte for byte. A tiny segment would otherwise be the
 * "peak" of the whole playlist (its container overhead over a few milliseconds).
 */
export async function mergeShortTail(
  packageDir: string,
  playlist: MediaPlaylistFacts,
  nominalDurationSec: number,
): Promise<void> {
  const n = playlist.segments.length;
  if (n < 2) return;
  const last = playlist.segments[n - 1]!;
  const previous = playlist.segments[n - 2]!;
  const merged = previous.durationSec + last.durationSec;
  if (last.durationSec >= 1 || merged >= nominalDurationSec + 0.5) return;

  const file = path.join(packageDir, playlist.uri);
  const lines = (await readFile(file, 'utf8')).split('\n');
  const uriLines = lines.flatMap((line, i) => (line && !line.startsWith('#') ? [i] : []));
  const lastUriLine = uriLines[uriLines.length - 1]!;
  const previousUriLine = uriLines[uriLines.length - 2]!;
  const extinf = (uriLine: number) => lines.slice(0, uriLine).findLastIndex((l) => l.startsWith('#EXTINF:'));
  lines[extinf(previousUriLine)] = `#EXTINF:${merged.toFixed(6)},`;
  lines.splice(extinf(lastUriLine), lastUriLine - extinf(lastUriLine) + 1);

  await appendFile(path.join(packageDir, previous.uri), await readFile(path.join(packageDir, last.uri)));
  await rm(path.join(packageDir, last.uri));
  await writeFile(file, lines.join('\n'));
  playlist.segments.splice(n - 2, 2, {
    uri: previous.uri,
    durationSec: merged,
    bytes: previous.bytes + last.bytes,
  });
}
