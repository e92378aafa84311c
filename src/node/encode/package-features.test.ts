import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { scratchDir } from '../../../test/helpers/clips.js';
import { encodeInto, readPlaylist, testPreset, type MasterPlaylist } from '../../../test/helpers/encode.js';
import { ffprobeJson, firstStream } from '../../../test/helpers/ffprobe.js';
import { richClip } from '../../../test/helpers/rich-clip.js';
import type { PackageResult } from '../../common/encode-events.js';
import { parseVtt } from '../../common/subtitles/webvtt.js';
import { sha256File, type VideoJson } from '../package/video-json.js';

const run = promisify(execFile);

/** Runs ffmpeg with a lavfi graph and returns stderr (where signalstats/ebur128 report). */
async function ffmpegStderr(args: string[]): Promise<string> {
  const { stderr } = await run('ffmpeg', ['-hide_banner', '-nostdin', ...args], {
    maxBuffer: 64 * 1024 * 1024,
  });
  return stderr;
}

/** Average luma of a picture (signalstats YAVG, 16 = black in TV range). */
async function averageLuma(file: string): Promise<number> {
  const out = await ffmpegStderr([
    '-i',
    file,
    '-vf',
    'signalstats,metadata=print:key=lavfi.signalstats.YAVG',
    '-f',
    'null',
    '-',
  ]);
  return Number(/YAVG=([\d.]+)/.exec(out)![1]);
}

describe('a complete package from a rich source (black intro, two audio tracks, embedded and sidecar subtitles)', () => {
  let result: PackageResult;
  let master: MasterPlaylist;
  const dir = () => result.packageDir;

  beforeAll(async () => {
    const input = await richClip();
    const sidecar = path.join(await scratchDir('sidecar-'), 'rich.fr.vtt');
    await writeFile(
      sidecar,
      'WEBVTT\n\n00:00:00.500 --> 00:00:01.500\nBonjour\n\n00:00:04.200 --> 00:00:05.800\nAu revoir\n',
    );
    ({ result } = await encodeInto(input, testPreset(), {
      loudnessLufs: -16,
      subtitleFiles: [{ path: sidecar }],
    }));
    master = await readPlaylist<MasterPlaylist>(result.multivariantPlaylist);
  });

  it('validates (only the SHOULD of 6 s targets is not met: the test preset uses 2 s segments)', () => {
    expect(result.validation.valid).toBe(true);
    expect(result.validation.results.filter((r) => r.status === 'fail').map((r) => r.id)).toEqual([
      'apple-7.5',
    ]);
  });

  describe('images', () => {
    it('the poster is a representative frame, not the black intro, at the top rung size (JPEG and WebP)', async () => {
      expect(await averageLuma(path.join(dir(), 'poster.jpg'))).toBeGreaterThan(40);
      for (const name of ['poster.jpg', 'poster.webp']) {
        expect(await firstStream(path.join(dir(), name), 'v:0')).toMatchObject({ width: 640, height: 360 });
      }
    });

    it('the storyboard VTT has one cue per second, each pointing inside its sprite sheet', async () => {
      const cues = parseVtt(await readFile(path.join(dir(), 'storyboard/thumbnails.vtt'), 'utf8'));
      const video = await readPlaylist(path.join(dir(), 'v2-360p/index.m3u8'));
      const duration = video.segments.reduce((sum, s) => sum + s.duration, 0);
      expect(cues).toHaveLength(Math.ceil(duration));
      expect(cues.map((c) => c.start)).toEqual(cues.map((_, i) => i));
      expect(cues.at(-1)!.end).toBeCloseTo(duration, 3);
      const sprite = await firstStream(path.join(dir(), 'storyboard/sprite_000.jpg'), 'v:0');
      for (const c of cues) {
        const [file, frag] = c.text.split('#xywh=');
        expect(file).toBe('sprite_000.jpg');
        const [x, y, w, h] = frag!.split(',').map(Number);
        expect(x! + w!).toBeLessThanOrEqual(sprite.width!);
        expect(y! + h!).toBeLessThanOrEqual(sprite.height!);
      }
    });

    it('the preview is an animated WebP', async () => {
      const data = await readFile(path.join(dir(), 'preview.webp'));
      expect(data.toString('latin1', 0, 4)).toBe('RIFF');
      expect(data.toString('latin1', 8, 12)).toBe('WEBP');
      expect(data.includes(Buffer.from('ANIM'))).toBe(true);
      expect(data.indexOf('ANMF')).not.toBe(data.lastIndexOf('ANMF'));
    });
  });

  describe('audio renditions', () => {
    it('every audio track becomes a rendition with its language and name; the default one is DEFAULT', () => {
      const audio = master.variants[0]!.audio.map((a) => [a.name, a.language, a.isDefault]);
      expect(audio).toEqual([
        ['English', 'en', true],
        ['German', 'de', false],
      ]);
    });

    it('EBU R128: the English rendition measures -16 LUFS within 1 LU (ebur128 filter)', async () => {
      const playlist = await readPlaylist(path.join(dir(), 'audio-0/index.m3u8'));
      const joined = path.join(await scratchDir('loud-'), 'audio.ts');
      await writeFile(
        joined,
        Buffer.concat(
          await Promise.all(playlist.segments.map((s) => readFile(path.join(dir(), 'audio-0', s.uri)))),
        ),
      );
      const out = await ffmpegStderr(['-i', joined, '-af', 'ebur128', '-f', 'null', '-']);
      const integrated = Number(/Integrated loudness:\s+I:\s+(-?[\d.]+) LUFS/.exec(out)![1]);
      expect(Math.abs(integrated - -16)).toBeLessThanOrEqual(1);
    });
  });

  describe('subtitle renditions', () => {
    it('the embedded track and the sidecar file are WebVTT renditions with LANGUAGE and NAME', () => {
      const subs = master.variants[0]!.subtitles.map((s) => [s.name, s.language, s.uri]);
      expect(subs).toEqual([
        ['English', 'en', 'sub-0/index.m3u8'],
        ['French', 'fr', 'sub-1/index.m3u8'],
      ]);
    });

    it('cues land in the segments that cover their media time; X-TIMESTAMP-MAP matches the video timestamps', async () => {
      const playlist = await readPlaylist(path.join(dir(), 'sub-0/index.m3u8'));
      const video = await readPlaylist(path.join(dir(), 'v0-180p/index.m3u8'));
      expect(playlist.segments.map((s) => s.duration)).toEqual(video.segments.map((s) => s.duration));
      const texts = await Promise.all(
        playlist.segments.map((s) => readFile(path.join(dir(), 'sub-0', s.uri), 'utf8')),
      );
      // Segments are 2 s: the 2.0-3.0 cue belongs to the second, the 3.5-4.5 one to the second and third.
      expect(texts.map((t) => parseVtt(t).map((c) => c.start))).toEqual([[], [2, 3.5], [3.5]]);
      const packets = await ffprobeJson(path.join(dir(), 'v0-180p', video.segments[0]!.uri), [
        '-select_streams',
        'v:0',
        '-read_intervals',
        '%+#1',
        '-show_entries',
        'packet=pts',
        '-show_packets',
      ]);
      const pts = (packets.packets![0] as { pts: number }).pts;
      expect(texts[0]).toContain(`X-TIMESTAMP-MAP=MPEGTS:${pts},LOCAL:00:00:00.000`);
    });
  });

  describe('I-frame playlists (Apple 6.1)', () => {
    it('are listed for every video variant with BANDWIDTH, CODECS and RESOLUTION', () => {
      const iframes = master.variants.filter((v) => v.isIFrameOnly);
      expect(iframes.map((v) => v.uri)).toEqual([
        'v0-180p/iframes.m3u8',
        'v1-270p/iframes.m3u8',
        'v2-360p/iframes.m3u8',
      ]);
      for (const v of iframes) {
        expect(v.bandwidth).toBeGreaterThan(0);
        expect(v.codecs).toMatch(/^avc1\./);
        expect(v.resolution).toBeDefined();
      }
    });

    it('every byte range, with the PAT/PMT map, decodes as exactly one keyframe picture', async () => {
      const work = await scratchDir('iframe-');
      const playlist = await readPlaylist(path.join(dir(), 'v2-360p/iframes.m3u8'));
      expect(playlist.segments.length).toBeGreaterThanOrEqual(3); // keyframes at 0, 2, 4 s (and the last frame at 6)
      const segment = await readFile(path.join(dir(), 'v2-360p', playlist.segments[0]!.uri));
      const map = playlist.segments[0]!.map!.byterange!;
      for (const [i, s] of playlist.segments.entries()) {
        const bytes = await readFile(path.join(dir(), 'v2-360p', s.uri));
        const r = s.byterange!;
        const file = path.join(work, `iframe-${i}.ts`);
        await writeFile(
          file,
          Buffer.concat([
            segment.subarray(map.offset, map.length),
            bytes.subarray(r.offset, r.offset + r.length),
          ]),
        );
        const frames = await ffprobeJson(file, [
          '-show_frames',
          '-show_entries',
          'frame=key_frame,pict_type',
        ]);
        expect(frames.frames, `I-frame ${i}`).toEqual([
          expect.objectContaining({ key_frame: 1, pict_type: 'I' }),
        ]);
      }
    });
  });

  describe('video.json', () => {
    let json: VideoJson;
    beforeAll(async () => {
      json = JSON.parse(await readFile(result.videoJson, 'utf8')) as VideoJson;
    });

    it('describes variants, tracks, images and the recipe', () => {
      expect(json.variants).toHaveLength(3);
      expect(json.audio.map((a) => a.language)).toEqual(['en', 'de']);
      expect(json.subtitles.map((s) => s.language)).toEqual(['en', 'fr']);
      expect(json.images?.posterJpeg).toBe('poster.jpg');
      expect(json.source.fileName).toBe('rich.mkv');
      expect(json.recipe.some((c) => c.includes('-f hls'))).toBe(true);
      expect(json.recipe.some((c) => c.includes('print_format=json'))).toBe(true);
      expect(json.validation.valid).toBe(true);
      expect(json.tool.ffmpeg).toMatch(/^ffmpeg version/);
    });

    it('lists every file of the package with its true size and sha256', async () => {
      expect(json.files.length).toBeGreaterThan(20);
      for (const f of json.files) expect(await sha256File(path.join(dir(), f.path))).toBe(f.sha256);
      expect(json.files.map((f) => f.path)).not.toContain('video.json');
    });
  });
});

describe('fMP4 packages', () => {
  it('I-frame ranges (moof + first sample) decode as one keyframe each with the init segment', async () => {
    const { result } = await encodeInto(
      await richClip(),
      testPreset({ segment: { durationSec: 2, format: 'fmp4' } }),
    );
    expect(result.validation.valid).toBe(true);
    const folder = path.join(result.packageDir, 'v1-270p');
    const playlist = await readPlaylist(path.join(folder, 'iframes.m3u8'));
    const init = await readFile(path.join(folder, playlist.segments[0]!.map!.uri));
    const work = await scratchDir('iframe-fmp4-');
    for (const [i, s] of playlist.segments.entries()) {
      const bytes = await readFile(path.join(folder, s.uri));
      const file = path.join(work, `iframe-${i}.mp4`);
      await writeFile(
        file,
        Buffer.concat([init, bytes.subarray(s.byterange!.offset, s.byterange!.offset + s.byterange!.length)]),
      );
      const frames = await ffprobeJson(file, ['-show_frames', '-show_entries', 'frame=key_frame']);
      expect(frames.frames!.length, `I-frame ${i}`).toBe(1);
      expect(frames.frames![0]).toMatchObject({ key_frame: 1 });
    }
  });
});
