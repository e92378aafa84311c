import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { IFrameEntry, IFramePlaylistInput } from '../../common/hls/iframe-playlist.js';
import { ffprobeQuery } from '../ffmpeg/ffprobe-query.js';
import type { MediaPlaylistFacts } from './media-playlist-reader.js';
import { topLevelBoxes } from './mp4-boxes.js';

const packetsSchema = z.object({
  packets: z
    .array(
      z.object({
        pts_time: z.string().optional(),
        pos: z.string().optional(),
        size: z.string(),
        flags: z.string(),
      }),
    )
    .default([]),
});

interface KeyFrame {
  segmentIndex: number;
  pts: number;
  range: { offset: number; length: number };
}

/**
 * Finds every keyframe of a rung's segments and the bytes it takes (ffprobe packets: position, size,
 * key flag), for an I-frame playlist. TS: from the keyframe's first TS packet to the next video packet;
 * fMP4 (one fragment per keyframe): from the fragment's moof to the end of its first sample.
 */
export async function indexIFrames(
  packageDir: string,
  playlist: MediaPlaylistFacts,
  workDir: string,
  signal?: AbortSignal,
): Promise<Omit<IFramePlaylistInput, 'version'>> {
  const dir = path.posix.dirname(playlist.uri);
  const keyframes: KeyFrame[] = [];
  let mapLength = 0;
  for (const [segmentIndex, segment] of playlist.segments.entries()) {
    const file = path.join(packageDir, segment.uri);
    const segmentBytes = await readFile(file);
    let probeFile = file;
    let shift = 0;
    if (playlist.initUri) {
      // An fMP4 segment is only readable after its init segment: probe the two joined.
      const init = await readFile(path.join(packageDir, playlist.initUri));
      probeFile = path.join(workDir, `iframe-probe-${segmentIndex}.mp4`);
      await writeFile(probeFile, Buffer.concat([init, segmentBytes]));
      shift = init.length;
    }
    const packets = await videoPackets(probeFile, signal);
    if (probeFile !== file) await rm(probeFile, { force: true });
    const positioned = packets.map((p) => ({ ...p, pos: p.pos - shift }));
    if (segmentIndex === 0 && !playlist.initUri) mapLength = positioned[0]?.pos ?? 0;
    const moofs = playlist.initUri ? topLevelBoxes(segmentBytes).filter((b) => b.type === 'moof') : [];
    positioned.forEach((p, i) => {
      if (!p.key) return;
      let offset = p.pos;
      let end = positioned[i + 1]?.pos ?? segmentBytes.length;
      if (playlist.initUri) {
        offset = moofs.filter((m) => m.offset < p.pos).at(-1)?.offset ?? 0;
        end = p.pos + p.size;
      }
      keyframes.push({ segmentIndex, pts: p.pts, range: { offset, length: end - offset } });
    });
  }
  const first = keyframes[0]?.pts ?? 0;
  const total = playlist.durationSec;
  const entries: IFrameEntry[] = keyframes.map((k, i) => ({
    uri: path.posix.basename(playlist.segments[k.segmentIndex]!.uri),
    segmentIndex: k.segmentIndex,
    byteRange: k.range,
    durationSec: Math.max(0, (keyframes[i + 1]?.pts ?? first + total) - k.pts),
  }));
  const map = playlist.initUri
    ? { uri: path.posix.relative(dir, playlist.initUri) }
    : { uri: path.posix.basename(playlist.segments[0]!.uri), byteRange: { offset: 0, length: mapLength } };
  return { map, entries };
}

async function videoPackets(file: string, signal?: AbortSignal) {
  const args = ['-select_streams', 'v:0', '-show_entries', 'packet=pts_time,pos,size,flags', '-of', 'json'];
  const stdout = await ffprobeQuery(file, args, { signal });
  return packetsSchema
    .parse(JSON.parse(stdout))
    .packets.filter((p) => p.pos !== undefined && p.pts_time !== undefined)
    .map((p) => ({
      pos: Number(p.pos),
      size: Number(p.size),
      pts: Number(p.pts_time),
      key: p.flags.startsWith('K'),
    }))
    .sort((a, b) => a.pos - b.pos);
}
