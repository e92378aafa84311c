import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { clip, scratchDir } from '../../../test/helpers/clips.js';
import {
  encodeInto,
  readPlaylist,
  testPreset,
  type MasterPlaylist,
  type MediaPlaylist,
} from '../../../test/helpers/encode.js';
import { firstStream, firstVideoFrame } from '../../../test/helpers/ffprobe.js';
import type { EncodeEvent, PackageResult } from '../../common/encode-events.js';
import { encodePackage } from './encode-package.js';

describe('a 3-rung TS ladder from a 59.94 fps clip, checked by independent means', () => {
  let result: PackageResult;
  let events: EncodeEvent[];
  let master: MasterPlaylist;
  let media: Map<string, MediaPlaylist>;

  beforeAll(async () => {
    const input = await clip('ladder-5994.mp4', {
      width: 640,
      height: 360,
      frameRate: '60000/1001',
      durationSec: 5,
    });
    ({ result, events } = await encodeInto(input));
    const parsed = await readPlaylist<MasterPlaylist>(result.multivariantPlaylist);
    // The I-frame playlists are checked in their own test; here the playable variants.
    master = { ...parsed, variants: parsed.variants.filter((v) => !v.isIFrameOnly) } as MasterPlaylist;
    media = new Map();
    for (const uri of [...master.variants.map((v) => v.uri), 'audio-0/index.m3u8']) {
      media.set(uri, await readPlaylist(path.join(result.packageDir, uri)));
    }
  });

  it('reports progress that rises to done', () => {
    const ratios = events.flatMap((e) => (e.type === 'progress' ? [e.ratio] : []));
    expect(ratios.length).toBeGreaterThan(0);
    expect(ratios.at(-1)).toBe(1);
    expect(events.at(-1)?.type).toBe('done');
  });

  it('the multivariant playlist lists 3 variants and one audio rendition (Apple 9.5)', () => {
    expect(master.variants).toHaveLength(3);
    expect(master.variants.every((v) => v.audio[0]?.uri === 'audio-0/index.m3u8')).toBe(true);
  });

  it('every segment named exists, is non-empty, and starts with a keyframe (Apple 7.4)', async () => {
    for (const [uri, playlist] of media) {
      for (const segment of playlist.segments) {
        const file = path.join(result.packageDir, path.dirname(uri), segment.uri);
        expect((await stat(file)).size).toBeGreaterThan(0);
        if (uri.startsWith('audio')) continue;
        const frame = await firstVideoFrame(file);
        expect(frame, `${uri} ${segment.uri}`).toMatchObject({ key_frame: 1, pict_type: 'I' });
      }
    }
  });

  it('segment boundaries align across rungs: same count, same first-frame times', async () => {
    const videos = master.variants.map((v) => ({ uri: v.uri, playlist: media.get(v.uri)! }));
    const counts = new Set(videos.map((v) => v.playlist.segments.length));
    expect(counts.size).toBe(1);
    const starts = await Promise.all(
      videos.map(async (v) =>
        Promise.all(
          v.playlist.segments.map(async (s) =>
            Number(
              (await firstVideoFrame(path.join(result.packageDir, path.dirname(v.uri), s.uri))).pts_time,
            ),
          ),
        ),
      ),
    );
    for (const other of starts.slice(1)) {
      other.forEach((t, i) => expect(t).toBeCloseTo(starts[0]![i]!, 2));
    }
  });

  it('every duration is at most target + 0.5 s (Apple 7.7), one target for audio and video (8.2)', () => {
    const targets = new Set([...media.values()].map((p) => p.targetDuration));
    expect(targets.size).toBe(1);
    const target = [...targets][0]!;
    expect(target).toBe(2);
    for (const p of media.values())
      for (const s of p.segments) expect(s.duration).toBeLessThanOrEqual(target + 0.5);
  });

  it('declared AVERAGE-BANDWIDTH is within 10% of the bytes on disk (Apple 1.26), peak within 200% (1.30)', async () => {
    const audio = media.get('audio-0/index.m3u8')!;
    const bits = async (uri: string, p: MediaPlaylist) => {
      let total = 0;
      for (const s of p.segments)
        total += (await stat(path.join(result.packageDir, path.dirname(uri), s.uri))).size * 8;
      return total;
    };
    const seconds = (p: MediaPlaylist) => p.segments.reduce((sum, s) => sum + s.duration, 0);
    const audioRate = (await bits('audio-0/index.m3u8', audio)) / seconds(audio);
    for (const v of master.variants) {
      const p = media.get(v.uri)!;
      const measured = (await bits(v.uri, p)) / seconds(p) + audioRate;
      expect(Math.abs(v.averageBandwidth! - measured) / measured).toBeLessThan(0.1);
      expect(v.bandwidth).toBeGreaterThanOrEqual(v.averageBandwidth!);
      expect(v.bandwidth).toBeLessThanOrEqual(2 * v.averageBandwidth!);
    }
  });

  it('CODECS, RESOLUTION and FRAME-RATE match what ffprobe finds in the segments', async () => {
    for (const v of master.variants) {
      const first = path.join(result.packageDir, path.dirname(v.uri), media.get(v.uri)!.segments[0]!.uri);
      const s = await firstStream(first, 'v:0');
      const [videoCodec, audioCodec] = v.codecs!.split(',');
      expect(s.codec_name).toBe('h264');
      // profile_idc and constraint flags by ffprobe's profile name (x264 ultrafast drops to Constrained Baseline)
      const profile = { High: '6400', Main: '4d40', 'Constrained Baseline': '42c0' }[s.profile!];
      expect(videoCodec).toBe(`avc1.${profile}${s.level!.toString(16).padStart(2, '0')}`);
      expect(audioCodec).toBe('mp4a.40.2');
      expect(v.resolution).toEqual({ width: s.width, height: s.height });
      const [num, den] = s.r_frame_rate!.split('/').map(Number);
      expect(v.frameRate).toBeCloseTo(num! / den!, 2);
    }
  });

  it('low rung capped to 29.97 fps, the others keep 59.94 (Apple 1.25)', () => {
    const rates = master.variants.map((v) => [v.resolution!.height, v.frameRate]);
    expect(rates).toContainEqual([180, 29.97]);
    expect(rates).toContainEqual([360, 59.94]);
  });

  it('the first variant is the one nearest the preset start rate (Apple 1.32)', () => {
    const distance = (v: (typeof master.variants)[number]) => Math.abs(v.averageBandwidth! - 500_000);
    expect(Math.min(...master.variants.map(distance))).toBe(distance(master.variants[0]!));
  });

  it('the audio rendition is AAC-LC stereo', async () => {
    const s = await firstStream(
      path.join(result.packageDir, 'audio-0', media.get('audio-0/index.m3u8')!.segments[0]!.uri),
      'a:0',
    );
    expect(s).toMatchObject({ codec_name: 'aac', profile: 'LC', channels: 2 });
  });

  it('leaves no partial folder beside the package', async () => {
    expect(await readdir(path.dirname(result.packageDir))).toEqual(['pkg']);
  });

  it('the package validates, and video.json says so', () => {
    expect(result.validation.valid).toBe(true);
    expect(result.validation.mustFailures).toBe(0);
  });
});

describe('odd sources become correct packages', () => {
  it('a portrait phone clip (rotated 90°) gives portrait rungs whose frames are portrait', async () => {
    const { setMp4Rotation } = await import('../../../test/helpers/mp4-rotation.js');
    const input = await clip('portrait.mp4', { width: 640, height: 360, durationSec: 3 });
    const rotated = path.join(await scratchDir('rot-'), 'portrait.mp4');
    await (await import('node:fs/promises')).copyFile(input, rotated);
    await setMp4Rotation(rotated, 90);
    const { result } = await encodeInto(rotated);
    expect(result.variants.map((v) => `${v.width}x${v.height}`)).toEqual(['180x320', '270x480', '360x640']);
    const seg = path.join(result.packageDir, path.dirname(result.variants[2]!.uri), 'seg_00000.ts');
    expect(await firstStream(seg, 'v:0')).toMatchObject({ width: 360, height: 640 });
  });

  it('a 5.1 source is downmixed to a stereo rendition', async () => {
    const input = await clip('surround.mp4', { width: 320, height: 180, durationSec: 2, audioChannels: 6 });
    const { result } = await encodeInto(input);
    const seg = path.join(result.packageDir, 'audio-0', 'seg_00000.ts');
    expect(await firstStream(seg, 'a:0')).toMatchObject({ channels: 2 });
  });

  it('a source without audio gives a video-only package (no AUDIO group, video-only CODECS)', async () => {
    const input = await clip('silent.mp4', { width: 320, height: 180, durationSec: 2, audioChannels: 0 });
    const { result } = await encodeInto(input);
    const master = await readPlaylist<MasterPlaylist>(result.multivariantPlaylist);
    expect(master.variants.every((v) => v.audio.length === 0 && !v.codecs!.includes('mp4a'))).toBe(true);
    expect(result.validation.valid).toBe(true);
  });

  it('an audio-only source gives an audio-only package', async () => {
    const input = await clip('voice.m4a', { noVideo: true, durationSec: 3 });
    const { result } = await encodeInto(input);
    const master = await readPlaylist<MasterPlaylist>(result.multivariantPlaylist);
    expect(master.variants).toHaveLength(1);
    expect(master.variants[0]).toMatchObject({ uri: 'audio-0/index.m3u8', codecs: 'mp4a.40.2' });
    expect(master.variants[0]!.resolution).toBeUndefined();
  });

  it('an HDR10 (PQ, 10-bit HEVC) source is tone-mapped into 8-bit SDR H.264', async () => {
    const input = await clip('hdr10.mp4', {
      width: 640,
      height: 360,
      durationSec: 2,
      audioChannels: 0,
      videoArgs: [
        '-c:v',
        'libx265',
        '-preset',
        'ultrafast',
        '-pix_fmt',
        'yuv420p10le',
        '-x265-params',
        'log-level=error',
      ],
      extraArgs: ['-color_primaries', 'bt2020', '-color_trc', 'smpte2084', '-colorspace', 'bt2020nc'],
    });
    const { result } = await encodeInto(input);
    expect(result.notes.join()).toMatch(/HDR \(PQ\) → SDR/);
    const seg = path.join(result.packageDir, path.dirname(result.variants[0]!.uri), 'seg_00000.ts');
    const s = (await firstStream(seg, 'v:0')) as { pix_fmt?: string; codec_name: string };
    expect(s).toMatchObject({ codec_name: 'h264', pix_fmt: 'yuv420p' });
  });

  it('an interlaced source is deinterlaced', async () => {
    const input = await clip('interlaced.mp4', {
      width: 640,
      height: 360,
      durationSec: 2,
      videoArgs: [
        '-c:v',
        'libx264',
        '-preset',
        'ultrafast',
        '-flags',
        '+ildct+ilme',
        '-x264-params',
        'tff=1',
        '-field_order',
        'tt',
      ],
    });
    const { result } = await encodeInto(input);
    expect(result.notes.join()).toMatch(/interlaced \(tff\): deinterlaced/);
    expect(result.variants).toHaveLength(3);
  });

  it('HEVC in fMP4: hvc1 CODECS from the init segment, EXT-X-MAP in every media playlist', async () => {
    const input = await clip('for-hevc.mp4', { width: 640, height: 360, durationSec: 3 });
    const preset = testPreset({
      video: { codec: 'hevc', speedPreset: 'ultrafast' },
      segment: { durationSec: 2, format: 'fmp4' },
    });
    const { result } = await encodeInto(input, preset);
    const master = await readPlaylist<MasterPlaylist>(result.multivariantPlaylist);
    for (const v of master.variants.filter((v) => !v.isIFrameOnly)) {
      expect(v.codecs).toMatch(/^hvc1\.1\.6\.L\d+\.90,mp4a\.40\.2$/);
      const p = await readPlaylist<MediaPlaylist>(path.join(result.packageDir, v.uri));
      expect(p.segments[0]!.map?.uri).toMatch(/^init(_\d+)?\.mp4$/);
    }
  });
});

describe('failures leave nothing under the package name', () => {
  it.for([
    ['missing', async (dir: string) => path.join(dir, 'missing.mp4'), 'FILE_NOT_FOUND'],
    [
      'zero-byte',
      async (dir: string) => {
        const f = path.join(dir, 'empty.mp4');
        await (await import('node:fs/promises')).writeFile(f, '');
        return f;
      },
      'FILE_EMPTY',
    ],
  ] as const)('%s input → an error naming the file, and an empty output folder', async ([, make, code]) => {
    const dir = await scratchDir('bad-');
    const out = await scratchDir('bad-out-');
    const input = await make(dir);
    await expect(
      encodePackage({ input, packageDir: path.join(out, 'pkg'), preset: testPreset() }),
    ).rejects.toMatchObject({
      code,
      file: input,
    });
    expect(await readdir(out)).toEqual([]);
  });

  it('an mp4 whose media data is zeroed (header fine, nothing decodes) fails and leaves nothing', async () => {
    const fs = await import('node:fs/promises');
    const good = await clip('to-zero.mp4', { width: 320, height: 180, durationSec: 2, audioChannels: 0 });
    const data = await fs.readFile(good);
    const mdat = data.indexOf('mdat');
    const size = data.readUInt32BE(mdat - 4);
    data.fill(0, mdat + 4, mdat - 4 + size);
    const dir = await scratchDir('zeroed-');
    const input = path.join(dir, 'zeroed.mp4');
    await fs.writeFile(input, data);
    const out = await scratchDir('zeroed-out-');
    const error = await encodePackage({
      input,
      packageDir: path.join(out, 'pkg'),
      preset: testPreset(),
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ file: input });
    expect(['FFMPEG_FAILED', 'PACKAGE_INVALID', 'UNDECODABLE']).toContain((error as { code: string }).code);
    expect(await readdir(out)).toEqual([]);
  });

  it('cancel during the encode: CANCELLED, ffmpeg gone, no folder', async () => {
    const input = await clip('long-for-cancel.mp4', { width: 640, height: 360, durationSec: 30 });
    const out = await scratchDir('cancel-');
    const controller = new AbortController();
    const promise = encodePackage(
      { input, packageDir: path.join(out, 'pkg'), preset: testPreset({ video: { speedPreset: 'medium' } }) },
      {
        signal: controller.signal,
        onEvent: (e) => e.type === 'progress' && e.ratio > 0 && controller.abort(),
      },
    );
    await expect(promise).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(await readdir(out)).toEqual([]);
  });

  it('an existing package is not overwritten unless asked', async () => {
    const input = await clip('exists.mp4', { width: 320, height: 180, durationSec: 2 });
    const { out } = await encodeInto(input);
    await expect(
      encodePackage({ input, packageDir: path.join(out, 'pkg'), preset: testPreset() }),
    ).rejects.toMatchObject({
      code: 'OUTPUT_EXISTS',
    });
    const again = await encodePackage({
      input,
      packageDir: path.join(out, 'pkg'),
      preset: testPreset(),
      overwrite: true,
    });
    expect(again.variants.length).toBeGreaterThan(0);
    expect(await readdir(out)).toEqual(['pkg']);
  });
});

describe('an excerpt ("try before you encode")', () => {
  it('2 s in, 3 s long from a 6 s clip: every media playlist lasts about 3 s, and the package validates', async () => {
    const input = await clip('excerpt-6s.mp4', { width: 320, height: 180, durationSec: 6 });
    const { result, events } = await encodeInto(input, testPreset(), {
      excerpt: { startSec: 2, durationSec: 3 },
    });
    const master = await readPlaylist<MasterPlaylist>(result.multivariantPlaylist);
    const uris = [...master.variants.filter((v) => !v.isIFrameOnly).map((v) => v.uri), 'audio-0/index.m3u8'];
    for (const uri of uris) {
      const playlist = await readPlaylist<MediaPlaylist>(path.join(result.packageDir, uri));
      const total = playlist.segments.reduce((sum, s) => sum + s.duration, 0);
      expect(total, uri).toBeGreaterThan(2.5);
      expect(total, uri).toBeLessThan(3.5);
    }
    expect(result.validation.valid).toBe(true);
    expect(result.warnings.join()).not.toMatch(/could be decoded/);
    const planned = events.find((e) => e.type === 'planned');
    expect(planned?.type === 'planned' && planned.plan.durationSec).toBe(3);
    const json = JSON.parse(await readFile(result.videoJson, 'utf8')) as { excerpt?: unknown };
    expect(json.excerpt).toEqual({ startSec: 2, durationSec: 3 });
  });
});
