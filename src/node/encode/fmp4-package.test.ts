import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { clip } from '../../../test/helpers/clips.js';
import {
  encodeInto,
  fmp4TestPreset,
  readPlaylist,
  type MasterPlaylist,
} from '../../../test/helpers/encode.js';
import { ffprobeJson } from '../../../test/helpers/ffprobe.js';
import { indexFmp4Segment, readFmp4Init } from '../../common/container/fmp4-index.js';
import { listBoxes } from '../../common/container/iso-boxes.js';
import type { PackageResult } from '../../common/encode-events.js';

/**
 * RFC 8216 3.3: an fMP4 rendition is a Media Initialization Section (ftyp + moov) and segments that
 * each carry their own movie fragments. Issue 11: ffmpeg 5.1 put the first segment's samples in the init
 * section when asked for a fragment per keyframe.
 */
for (const codec of ['h264', 'hevc'] as const) {
  describe(`${codec} in fMP4: init holds no media, every segment carries its own samples`, () => {
    let result: PackageResult;
    beforeAll(async () => {
      const input = await clip('fmp4-source.mp4', { width: 640, height: 360, durationSec: 9 });
      const preset = fmp4TestPreset(codec);
      ({ result } = await encodeInto(input, preset));
    });

    it('the package passes its own validator, MUST and the 1.30 peak SHOULD', () => {
      const failed = result.validation.results.filter((r) => r.status === 'fail');
      expect(failed.filter((r) => r.level === 'MUST')).toEqual([]);
      expect(failed.map((r) => r.id)).not.toContain('apple-1.30');
    });

    it('each EXT-X-MAP names a file that is exactly ftyp + moov', async () => {
      for (const v of [...result.variants, ...result.audio]) {
        const playlist = await readPlaylist(path.join(result.packageDir, v.uri));
        const map = playlist.segments[0]!.map!;
        const file = path.join(result.packageDir, path.dirname(v.uri), map.uri);
        expect(listBoxes(await readFile(file)).map((b) => b.type)).toEqual(['ftyp', 'moov']);
      }
    });

    it('every segment has moof + mdat, and the samples add up to every frame of the rung', async () => {
      for (const v of result.variants) {
        const dir = path.join(result.packageDir, path.dirname(v.uri));
        const playlist = await readPlaylist(path.join(result.packageDir, v.uri));
        const init = readFmp4Init(await readFile(path.join(dir, playlist.segments[0]!.map!.uri)));
        let samples = 0;
        for (const s of playlist.segments) {
          const bytes = await readFile(path.join(dir, s.uri));
          const { fragments } = indexFmp4Segment(bytes, init);
          expect(fragments.length, s.uri).toBeGreaterThan(0);
          expect(fragments[0]!.samples[0]!.isSync, `${s.uri} starts with a sync sample`).toBe(true);
          for (const f of fragments) expect(f.mdat, s.uri).toBeDefined();
          samples += fragments.reduce((n, f) => n + f.samples.length, 0);
        }
        expect(samples).toBe(Math.round(v.frameRate! * 9));
      }
    });

    it('I-frame byte ranges are positive, inside their segment, and decode as one keyframe', async () => {
      const v = result.variants.at(-1)!;
      const dir = path.join(result.packageDir, path.dirname(v.uri));
      const iframes = await readPlaylist(path.join(result.packageDir, v.iframePlaylist!));
      const init = await readFile(path.join(dir, iframes.segments[0]!.map!.uri));
      expect(iframes.segments.length).toBeGreaterThan(1);
      for (const s of iframes.segments) {
        const bytes = await readFile(path.join(dir, s.uri));
        const { offset, length } = s.byterange!;
        expect(length).toBeGreaterThan(0);
        expect(offset + length).toBeLessThanOrEqual(bytes.length);
        const file = path.join(dir, 'probe-iframe.mp4');
        await writeFile(file, Buffer.concat([init, bytes.subarray(offset, offset + length)]));
        const frames = await ffprobeJson(file, ['-show_frames', '-show_entries', 'frame=key_frame']);
        expect((frames.frames as { key_frame: number }[]).map((f) => f.key_frame)).toEqual([1]);
      }
    });

    it('AVERAGE-BANDWIDTH is measured over every segment file (the first one included)', async () => {
      const master = await readPlaylist<MasterPlaylist>(result.multivariantPlaylist);
      const audioBits = await folderBits(path.join(result.packageDir, 'audio-0'));
      for (const v of master.variants.filter((x) => !x.isIFrameOnly)) {
        const bits = (await folderBits(path.join(result.packageDir, path.dirname(v.uri)))) + audioBits;
        const onDisk = bits / result.durationSec;
        expect(Math.abs(v.averageBandwidth! - onDisk) / onDisk).toBeLessThan(0.1);
      }
    });
  });
}

/** Bits of the segments (`.m4s`) in a rendition folder. */
async function folderBits(dir: string): Promise<number> {
  let bytes = 0;
  for (const f of await readdir(dir)) if (f.endsWith('.m4s')) bytes += (await stat(path.join(dir, f))).size;
  return bytes * 8;
}
