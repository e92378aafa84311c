import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { indexFmp4Segment, readFmp4Init } from '../../common/container/fmp4-index.js';
import { indexTsSegment } from '../../common/container/ts-index.js';
import { StudioError } from '../../common/errors.js';
import type { IFrameEntry } from '../../common/hls/iframe-playlist.js';
import {
  durationOf,
  initPath,
  segmentPath,
  type IFramesModel,
  type RenditionModel,
} from '../../common/package/package-model.js';

interface KeyFrame {
  segmentIndex: number;
  timeSec: number;
  range: { offset: number; length: number };
}

/**
 * Finds the keyframes of a rung's segments and the bytes each takes, for its I-frame playlist (Apple
 * 6.1), reading the files in-process: one pass over the bytes, no process per segment.
 * - TS: from the keyframe's first TS packet to the next video PES start (RFC 8216 4.3.3.6), with the
 *   PAT/PMT bytes before the first video packet as the playlist's EXT-X-MAP.
 * - fMP4: a fragment's moof up to the end of its first sample, when that sample is a sync sample. The HLS
 *   muxer makes one fragment per segment, so this gives one I-frame per segment.
 */
export async function indexIFrames(packageDir: string, r: RenditionModel): Promise<IFramesModel> {
  const keyframes: KeyFrame[] = [];
  let mapLength = 0;
  const initFile = initPath(r);
  const init = initFile ? readFmp4Init(await readFile(path.join(packageDir, initFile))) : undefined;
  for (const [segmentIndex, segment] of r.segments.entries()) {
    const bytes = await readFile(path.join(packageDir, segmentPath(r, segment)));
    if (init) {
      const timescale = init.timescale || 90000;
      for (const fragment of indexFmp4Segment(bytes, init).fragments) {
        const first = fragment.samples[0];
        if (!first?.isSync) continue;
        const end = first.offset + first.size;
        if (end > bytes.length || end <= fragment.moofOffset) continue;
        keyframes.push({
          segmentIndex,
          timeSec: (fragment.baseDecodeTime + first.compositionOffset) / timescale,
          range: { offset: fragment.moofOffset, length: end - fragment.moofOffset },
        });
      }
      continue;
    }
    const ts = indexTsSegment(bytes);
    const video = ts.pes.filter((p) => p.pid === ts.videoPid);
    if (segmentIndex === 0) mapLength = video[0]?.offset ?? 0;
    video.forEach((p, i) => {
      if (!p.keyframe || p.pts === undefined) return;
      const end = video[i + 1]?.offset ?? bytes.length;
      keyframes.push({
        segmentIndex,
        timeSec: p.pts / 90000,
        range: { offset: p.offset, length: end - p.offset },
      });
    });
  }
  if (keyframes.length === 0)
    throw new StudioError('PACKAGE_INVALID', `${r.id}: no keyframe found in its segments`);
  const first = keyframes[0]!.timeSec;
  const total = durationOf(r);
  const entries: IFrameEntry[] = keyframes.map((k, i) => ({
    uri: r.segments[k.segmentIndex]!.name,
    segmentIndex: k.segmentIndex,
    byteRange: k.range,
    durationSec: Math.max(0, (keyframes[i + 1]?.timeSec ?? first + total) - k.timeSec),
  }));
  const map = r.initName
    ? { uri: r.initName }
    : { uri: r.segments[0]!.name, byteRange: { offset: 0, length: mapLength } };
  return { id: r.id, map, entries };
}
