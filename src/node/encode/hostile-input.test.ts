import { execFileSync } from 'node:child_process';
import { closeSync, constants, existsSync, openSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cachedFile, scratchDir } from '../../../test/helpers/clips.js';
import { encodeInto, readPlaylist, testPreset, type MediaPlaylist } from '../../../test/helpers/encode.js';
import { StudioError } from '../../common/errors.js';
import { binaries } from '../ffmpeg/binaries.js';
import { runProcess } from '../ffmpeg/runner.js';
import { loadPreset } from '../presets/preset-store.js';
import { IMAGE_FRAMES } from '../../common/ffmpeg/image-args.js';
import type { ImagesPlan } from '../../common/plan/encode-plan.js';
import { readRendition } from '../package/media-playlist-reader.js';
import { encodePackage, explainEncodeFailure, optionalImages } from './encode-package.js';

/** A generated file made by one ffmpeg run (`args` without the output), cached like the test clips. */
function generated(name: string, args: string[]): Promise<string> {
  return cachedFile(name, JSON.stringify(args), async (file) => {
    const { ffmpeg } = await binaries();
    await runProcess({
      bin: ffmpeg.path,
      args: ['-hide_banner', '-nostdin', '-loglevel', 'error', '-y', ...args, `file:${file}`],
    });
  });
}

/** A real phone recording from ../shared (beside the repo in CI). */
const IPHONE = path.resolve('../shared/media/02_iphone_hevc_main10_hlg_rot90_vfr_editlist.mp4');

const playlistSec = (p: MediaPlaylist) => p.segments.reduce((sum, s) => sum + s.duration, 0);

/**
 * Watches FIFOs for a reader: a process that opens a FIFO for reading blocks until a writer comes, and
 * opening one for writing without blocking succeeds only while a reader has it open. So any attempt to
 * read `outside.ts` is seen (and unblocked) here; an untouched FIFO never lets a writer in.
 */
function watchFifos(fifos: string[]) {
  const opened = new Set<string>();
  const timer = setInterval(() => {
    for (const fifo of fifos) {
      try {
        closeSync(openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK));
        opened.add(fifo);
      } catch {
        // ENXIO: nobody is reading it
      }
    }
  }, 5);
  return {
    opened,
    stop: () => clearInterval(timer),
  };
}

describe('hostile sources (issue 13)', () => {
  it.each(['evil.m3u8', 'innocent.mp4'])(
    'a playlist named %s that names ../outside.ts and file:///…/outside.ts is refused, and neither file is opened',
    async (name) => {
      const root = await scratchDir('hostile-');
      const inside = path.join(root, 'in');
      await mkdir(inside);
      const relative = path.join(root, 'outside.ts');
      const absolute = path.join(root, 'outside-abs.ts');
      execFileSync('mkfifo', [relative, absolute]);
      const playlist = path.join(inside, name);
      await writeFile(
        playlist,
        [
          '#EXTM3U',
          '#EXT-X-TARGETDURATION:2',
          '#EXTINF:1,',
          '../outside.ts',
          '#EXTINF:1,',
          `file://${absolute}`,
          '#EXT-X-ENDLIST',
          '',
        ].join('\n'),
      );
      const watch = watchFifos([relative, absolute]);
      const packageDir = path.join(root, 'out', 'pkg');
      const error = await encodePackage({ input: playlist, packageDir, preset: testPreset() })
        .catch((e: unknown) => e)
        .finally(() => watch.stop());
      expect([...watch.opened]).toEqual([]);
      expect(error).toBeInstanceOf(StudioError);
      expect((error as StudioError).code).toBe('NOT_MEDIA');
      expect((error as StudioError).message).toBe(
        `${playlist}: playlists (HLS) are not accepted as sources: a playlist names other files, which may lie anywhere on the disk; give the video file itself`,
      );
      expect(await readdir(root)).not.toContain('out');
    },
    60_000,
  );

  it('an audio track far longer than the video is cut within a second of the video’s end (defect 5: 3,038 s of silence beside 2.5 s)', async () => {
    // 1 s of picture and 30 s of tone in one MP4, muxed without -shortest: the format says 30 s.
    const input = await generated('long-audio.mp4', [
      ...['-f', 'lavfi', '-i', 'testsrc2=size=160x90:rate=25:duration=1'],
      ...['-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000:duration=30'],
      ...['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac'],
    ]);
    const preset = testPreset({ rungs: [{ width: 160, height: 90, bitrateKbps: 200 }] });
    const { result } = await encodeInto(input, preset);
    const video = await readPlaylist(path.join(result.packageDir, result.variants[0]!.uri));
    const audio = await readPlaylist(path.join(result.packageDir, 'audio-0/index.m3u8'));
    expect(playlistSec(video)).toBeLessThan(1.5);
    expect(playlistSec(audio)).toBeLessThanOrEqual(playlistSec(video) + 2);
    expect(result.durationSec).toBeLessThan(playlistSec(video) + 1.5); // 1 s of slack (ladder-plan.ts)
  }, 120_000);

  it('audio that stops long before the picture is encoded again to end with it (fuzz finding: 1.8 s of audio under 2.9 s of video)', async () => {
    // 5 s of picture, 1.2 s of tone, one transport stream: what a spliced or cut recording gives.
    const input = await generated('short-audio.ts', [
      ...['-f', 'lavfi', '-i', 'testsrc2=size=160x90:rate=25:duration=5'],
      ...['-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000:duration=1.2'],
      ...['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-f', 'mpegts'],
    ]);
    const preset = testPreset({ rungs: [{ width: 160, height: 90, bitrateKbps: 200 }] });
    const { result } = await encodeInto(input, preset);
    const video = await readPlaylist(path.join(result.packageDir, result.variants[0]!.uri));
    const audio = await readPlaylist(path.join(result.packageDir, 'audio-0/index.m3u8'));
    expect(playlistSec(video)).toBeGreaterThan(4.9);
    // One AAC frame (21 ms) either way, where the first run ended 3.8 s early.
    expect(Math.abs(playlistSec(audio) - playlistSec(video))).toBeLessThan(0.05);
    expect(result.warnings.join('\n')).toMatch(
      /the audio lasted 1\.\d s and the picture 5\.0 s: .*silence was added/,
    );
    expect(result.validation.valid).toBe(true);
    // Every audio segment the playlist names is on disk, and no file of the first run is left over.
    const files = (await readdir(path.join(result.packageDir, 'audio-0'))).filter((f) => f.endsWith('.ts'));
    expect(files.sort()).toEqual(audio.segments.map((s) => s.uri).sort());
  }, 120_000);

  it('streams that end together are not encoded twice', async () => {
    const input = await generated('even-streams.ts', [
      ...['-f', 'lavfi', '-i', 'testsrc2=size=160x90:rate=25:duration=3'],
      ...['-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000:duration=3'],
      ...['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-f', 'mpegts'],
    ]);
    const preset = testPreset({ rungs: [{ width: 160, height: 90, bitrateKbps: 200 }] });
    const { result } = await encodeInto(input, preset);
    expect(result.commands.filter((c) => c.includes('index.m3u8'))).toHaveLength(1);
    expect(result.warnings.join('\n')).not.toMatch(/audio was encoded again/);
  }, 120_000);

  it.runIf(existsSync(IPHONE))(
    'a cut iPhone recording whose audio runs past its last picture ends its audio with the picture (fuzz finding)',
    async () => {
      // ../shared/media/02 cut at 1,927,431 bytes: 2.4 s of audio had been written ahead of 1.3 s of video.
      const input = path.join(await scratchDir('cut-iphone-'), 'cut-iphone.mp4');
      await writeFile(input, (await readFile(IPHONE)).subarray(0, 1_927_431));
      const preset = testPreset({
        segment: { durationSec: 1 },
        rungs: [{ width: 90, height: 160, bitrateKbps: 200 }],
      });
      const { result } = await encodeInto(input, preset);
      const video = await readPlaylist(path.join(result.packageDir, result.variants[0]!.uri));
      const audio = await readPlaylist(path.join(result.packageDir, 'audio-0/index.m3u8'));
      expect(Math.abs(playlistSec(audio) - playlistSec(video))).toBeLessThan(0.05);
      expect(result.warnings.join('\n')).toMatch(
        /audio was encoded again to end with the picture \(the rest was cut\)/,
      );
      expect(result.validation.valid).toBe(true);
    },
    120_000,
  );

  it('audio timestamps that jump 1,200 frames at a time (a byte-flipped stts) no longer give 2,700 s of silence (defect 5)', async () => {
    const clean = await generated('stts.mp4', [
      ...['-f', 'lavfi', '-i', 'testsrc2=size=160x90:rate=25:duration=2.5'],
      ...['-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000:duration=2.5'],
      ...['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac'],
    ]);
    // The audio track's time-to-sample table: (count, 1024) entries; each sample now lasts 1,200 frames.
    const bytes = Buffer.from(await readFile(clean));
    let patched = false;
    for (let at = bytes.indexOf('stts'); at >= 0 && !patched; at = bytes.indexOf('stts', at + 4)) {
      const entries = bytes.readUInt32BE(at + 8);
      for (let k = 0; k < entries && !patched; k++) {
        if (bytes.readUInt32BE(at + 16 + 8 * k) !== 1024) continue;
        bytes.writeUInt32BE(1024 * 1200, at + 16 + 8 * k);
        patched = true;
      }
    }
    expect(patched).toBe(true);
    const root = await scratchDir('stts-');
    const input = path.join(root, 'flipped.mp4');
    await writeFile(input, bytes);
    const preset = testPreset({ rungs: [{ width: 160, height: 90, bitrateKbps: 200 }] });
    // Before: exit 0 with ~2,700 s of silence. Capped at the video's 2.5 s, one AAC frame is left: a
    // clear failure naming the file (padding the audio to the claimed video length instead made
    // truncated files' audio outlast their real video: the fuzz's invalid packages).
    const error = await encodePackage({ input, packageDir: path.join(root, 'out', 'pkg'), preset }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(StudioError);
    expect((error as StudioError).code).toBe('UNDECODABLE');
    expect((error as StudioError).message).toMatch(
      new RegExp(
        `^${input}: the source has no decodable audio \\(ffmpeg wrote an empty segment audio-0/seg_00000.ts`,
      ),
    );
    expect(await readdir(path.join(root, 'out'))).toEqual([]);
  }, 120_000);

  it('a one-frame video packages with web-compact: poster and storyboard from its one frame, no preview claimed without frames (defect 6)', async () => {
    const input = await generated('one-frame.mp4', [
      ...['-f', 'lavfi', '-i', 'testsrc2=size=320x180:rate=25', '-frames:v', '1'],
      ...['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p'],
    ]);
    const { result } = await encodeInto(input, await loadPreset('web-compact'));
    // Every image the result names exists; a preview needs frames in its window, one frame has none.
    const files = await readdir(result.packageDir);
    expect(files).toEqual(expect.arrayContaining(['poster.jpg', 'poster.webp', 'storyboard']));
    if (result.images?.preview) expect(files).toContain(result.images.preview);
    else expect(result.warnings).toEqual(['no animated preview: no frame was decoded in its window']);
    expect(result.images?.posterJpeg).toBe('poster.jpg');
    expect(result.validation.valid).toBe(true);
  }, 120_000);

  describe('images are extras: a failed images pass never fails the package (defect 6)', () => {
    const plan: ImagesPlan = {
      poster: { width: 160, height: 90, sampleFrames: 24, sampleRate: '24/1' },
      preview: { startSec: 0, durationSec: 1, width: 160, height: 90, fps: 10 },
    };

    it('no frame at all: no images, and a warning that says why', async () => {
      const dir = await scratchDir('images-');
      const warnings: string[] = [];
      expect(await optionalImages(plan, { packageDir: dir, file: '/in/x.mp4', warnings })).toBeUndefined();
      expect(warnings).toEqual(['no poster, storyboard or preview: no picture was decoded for the poster']);
      expect(await readdir(dir)).toEqual([]);
    });

    it('undecodable preview frames: the poster is kept, the preview dropped with a warning', async () => {
      const dir = await scratchDir('images-');
      await mkdir(path.join(dir, IMAGE_FRAMES.dir), { recursive: true });
      const { ffmpeg } = await binaries();
      // Two good poster candidates, as the main run dumps them (poster_000.jpg, poster_001.jpg).
      const frames = [
        '-f',
        'lavfi',
        '-i',
        'testsrc2=size=160x90:rate=1',
        '-frames:v',
        '2',
        '-start_number',
        '0',
      ];
      await runProcess({
        bin: ffmpeg.path,
        args: ['-v', 'error', ...frames, path.join(dir, IMAGE_FRAMES.posterCandidates)],
      });
      for (const n of ['0000', '0001', '0002'])
        await writeFile(path.join(dir, IMAGE_FRAMES.dir, `preview_${n}.jpg`), 'not a jpeg');
      const warnings: string[] = [];
      const kept = await optionalImages(plan, { packageDir: dir, file: '/in/x.mp4', warnings });
      expect(kept).toMatchObject({ poster: plan.poster });
      expect(kept?.preview).toBeUndefined();
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(/^no animated preview: ffmpeg failed: /);
      expect(await readdir(dir)).toEqual(expect.arrayContaining(['poster.jpg', 'poster.webp']));
      expect(await readdir(dir)).not.toContain('preview.webp');
    });
  });

  it('ffmpeg’s exit 69 (too many decoding errors) is reported as a damaged file with a decoder error, not swscaler noise (defect 7)', async () => {
    const clean = await generated('mjpeg.avi', [
      ...['-f', 'lavfi', '-i', 'testsrc2=size=320x180:rate=25:duration=2'],
      ...['-c:v', 'mjpeg', '-pix_fmt', 'yuvj420p'],
    ]);
    // Every 13th byte of the frames replaced (a fixed LCG): most JPEGs no longer decode; the headers do.
    const bytes = Buffer.from(await readFile(clean));
    let x = 3;
    for (let i = 12_000; i < bytes.length - 2000; i += 13) {
      x = (x * 1103515245 + 12345) % 2 ** 31;
      bytes[i] = x & 0xff;
    }
    const root = await scratchDir('damaged-');
    const input = path.join(root, 'damaged.avi');
    await writeFile(input, bytes);
    const packageDir = path.join(root, 'out', 'pkg');
    const error = await encodePackage({ input, packageDir, preset: testPreset() }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StudioError);
    const { code, message } = error as StudioError;
    expect(code).toBe('UNDECODABLE');
    expect(message).toMatch(
      new RegExp(
        `^${input}: the file is damaged: too many of its frames could not be decoded \\(the last error: .+\\)$`,
      ),
    );
    expect(message).not.toMatch(/swscaler|deprecated pixel format/);
    expect(await readdir(root)).toEqual(['damaged.avi', 'out']);
    expect(await readdir(path.join(root, 'out'))).toEqual([]);
  }, 120_000);

  it('an empty segment ffmpeg wrote names the input, the time the stream stopped and what ffmpeg said (defect 7)', async () => {
    const dir = await scratchDir('rendition-');
    await mkdir(path.join(dir, 'audio-0'));
    const lines = ['#EXTM3U', '#EXT-X-TARGETDURATION:2', '#EXT-X-PLAYLIST-TYPE:VOD'];
    for (const i of [0, 1, 2]) lines.push('#EXTINF:2.000000,', `seg_0000${i}.ts`);
    await writeFile(path.join(dir, 'audio-0', 'index.m3u8'), [...lines, '#EXT-X-ENDLIST', ''].join('\n'));
    await writeFile(path.join(dir, 'audio-0', 'seg_00000.ts'), 'x');
    await writeFile(path.join(dir, 'audio-0', 'seg_00001.ts'), 'x');
    await writeFile(path.join(dir, 'audio-0', 'seg_00002.ts'), '');
    const internal = await readRendition(dir, 'audio-0', 'audio').catch((e: unknown) => e);
    const tail = ['[aac @ 0x55d1] Reserved bit set.', '[aac @ 0x55d1] channel element 2.15 is not allocated'];
    const error = explainEncodeFailure('/in/film.mp4', internal, tail) as StudioError;
    expect(error.code).toBe('UNDECODABLE');
    expect(error.message).toBe(
      '/in/film.mp4: the source has no decodable audio after 4 s (ffmpeg wrote an empty segment audio-0/seg_00002.ts; ffmpeg said: channel element 2.15 is not allocated)',
    );
    const silent = explainEncodeFailure('/in/film.mp4', internal, []) as StudioError;
    expect(silent.message).toBe(
      '/in/film.mp4: the source has no decodable audio after 4 s (ffmpeg wrote an empty segment audio-0/seg_00002.ts)',
    );
  });
});
