import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { cachedFile } from '../../../test/helpers/clips.js';
import { ffprobeJson } from '../../../test/helpers/ffprobe.js';
import { indexFmp4Segment, readFmp4Init } from '../../common/container/fmp4-index.js';
import { indexTsSegment } from '../../common/container/ts-index.js';

const run = promisify(execFile);

interface Packet {
  pos: string;
  size: string;
  flags: string;
  pts: string;
}

/** A 4 s clip with a keyframe every second (and B-frames), muxed as `format` by ffmpeg itself. */
function muxed(codec: 'libx264' | 'libx265', format: 'ts' | 'mp4'): Promise<string> {
  return cachedFile(`index-${codec}.${format}`, 'v1', async (file) => {
    const args = ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi'];
    args.push('-i', 'testsrc2=size=320x180:rate=25:duration=4', '-f', 'lavfi', '-i', 'sine=duration=4');
    args.push('-c:v', codec, '-preset', 'ultrafast', '-g', '25', '-bf', '2', '-c:a', 'aac');
    if (codec === 'libx265') args.push('-x265-params', 'log-level=error:keyint=25:min-keyint=25:bframes=2');
    if (format === 'mp4')
      args.push('-map', '0:v', '-movflags', '+frag_keyframe+empty_moov+default_base_moof');
    await run('ffmpeg', [...args, file]);
  });
}

const probePackets = async (file: string) =>
  (await ffprobeJson(file, ['-select_streams', 'v:0', '-show_entries', 'packet=pos,size,flags,pts']))
    .packets as Packet[];

describe('MPEG-TS index, checked against ffprobe', () => {
  for (const codec of ['libx264', 'libx265'] as const) {
    it(`${codec}: every video PES start, its PTS and its keyframe flag`, async () => {
      const file = await muxed(codec, 'ts');
      const ts = indexTsSegment(await readFile(file));
      expect(ts.syncErrors).toBe(0);
      expect(ts.audioPid).toBeDefined();
      const video = ts.pes.filter((p) => p.pid === ts.videoPid);
      const packets = await probePackets(file);
      expect(video.map((p) => p.offset)).toEqual(packets.map((p) => Number(p.pos)));
      expect(video.map((p) => p.pts)).toEqual(packets.map((p) => Number(p.pts)));
      expect(video.map((p) => p.keyframe)).toEqual(packets.map((p) => p.flags.startsWith('K')));
      expect(video.filter((p) => p.keyframe)).toHaveLength(4);
    });
  }

  it('a file that is not TS gives sync errors, not a crash', () => {
    const ts = indexTsSegment(Buffer.alloc(188 * 3, 0x20));
    expect(ts.syncErrors).toBe(3);
    expect(ts.pes).toEqual([]);
  });
});

describe('fMP4 index, checked against ffprobe', () => {
  for (const codec of ['libx264', 'libx265'] as const) {
    it(`${codec}: fragments, sample sizes and sync flags`, async () => {
      const file = await muxed(codec, 'mp4');
      const bytes = await readFile(file);
      const init = readFmp4Init(bytes);
      expect(init.timescale).toBeGreaterThan(0);
      const { fragments } = indexFmp4Segment(bytes, init);
      expect(fragments).toHaveLength(4);
      const samples = fragments.flatMap((f) => f.samples);
      const packets = await probePackets(file);
      expect(samples.map((s) => s.size)).toEqual(packets.map((p) => Number(p.size)));
      expect(samples.map((s) => s.offset)).toEqual(packets.map((p) => Number(p.pos)));
      expect(samples.map((s) => s.isSync)).toEqual(packets.map((p) => p.flags.startsWith('K')));
    });
  }

  it('a truncated segment yields the samples it holds and never throws', async () => {
    const bytes = await readFile(await muxed('libx264', 'mp4'));
    const init = readFmp4Init(bytes);
    for (const cut of [10, 100, 1000, Math.floor(bytes.length / 2)])
      expect(() => indexFmp4Segment(bytes.subarray(0, cut), init)).not.toThrow();
  });
});
