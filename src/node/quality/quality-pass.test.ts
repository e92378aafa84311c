import { mkdir, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { clip, lateVideoJoin, scratchDir } from '../../../test/helpers/clips.js';
import { encodeInto, testPreset } from '../../../test/helpers/encode.js';
import { PSNR_CAP_DB } from '../../common/quality/quality-report.js';
import { planEncode } from '../../common/plan/ladder-plan.js';
import { binaries, probeCapabilities } from '../ffmpeg/binaries.js';
import { runProcess } from '../ffmpeg/runner.js';
import type { VideoJson } from '../package/video-json.js';
import { probeSource } from '../probe/probe-source.js';
import { measureQuality, summarizeQuality } from './quality-pass.js';
import { metricSupport } from './metric-support.js';
import { measurePackageQuality } from './package-quality.js';

const preset = testPreset({
  rungs: [
    { width: 160, height: 90, bitrateKbps: 300 },
    { width: 320, height: 180, bitrateKbps: 900 },
  ],
});

async function runFfmpeg(cwd: string, args: string[], id: string): Promise<void> {
  await mkdir(path.join(cwd, id), { recursive: true });
  const { ffmpeg } = await binaries();
  await runProcess({
    bin: ffmpeg.path,
    args: ['-hide_banner', '-nostdin', '-loglevel', 'error', '-y', ...args],
    cwd,
  });
}

describe('quality of each rung against the source (issue 15)', () => {
  it('a rung bit-identical to the source measures as identical; a starved one measures lower', async () => {
    const input = await clip('quality-src.mp4', { width: 320, height: 180, durationSec: 4 });
    const source = await probeSource(input);
    const plan = planEncode(source, preset, { segmentDurationSec: 1 });
    expect(plan.video!.rungs.map((r) => r.id)).toEqual(['v0-90p', 'v1-180p']);
    // Known cases made by hand: v1 is the source's own stream copied into HLS, v0 a 20 kb/s encode.
    const dir = await scratchDir('quality-known-');
    const hls = (id: string, codec: string[]) =>
      runFfmpeg(
        dir,
        [
          '-i',
          input,
          '-an',
          ...codec,
          '-f',
          'hls',
          '-hls_time',
          '1',
          '-hls_playlist_type',
          'vod',
          '-hls_segment_filename',
          `${id}/seg_%05d.ts`,
          `${id}/index.m3u8`,
        ],
        id,
      );
    await hls('v1-180p', ['-c:v', 'copy']);
    await hls('v0-90p', ['-vf', 'scale=160:90', '-c:v', 'libx264', '-b:v', '20k', '-preset', 'ultrafast']);
    const frames = await measureQuality(plan, { packageDir: dir, file: input });
    const byRung = await summarizeQuality(dir, frames);
    const same = byRung.get('v1-180p')!;
    const starved = byRung.get('v0-90p')!;
    expect(same.psnr.mean).toBe(PSNR_CAP_DB);
    expect(same.ssim.mean).toBe(1);
    expect(starved.psnr.mean).toBeLessThan(40);
    expect(starved.ssim.mean).toBeLessThan(0.98);
    expect(frames.method).toMatchObject({
      reference: { width: 320, height: 180 },
      sampleEvery: 1,
      measuredFrames: 120,
    });
    // No stats file is left behind.
    expect((await readdir(dir)).sort()).toEqual(['v0-90p', 'v1-180p']);
  }, 120_000);

  it('an encode with quality on records per-rung figures in video.json; `quality` on the package measures the same', async () => {
    const input = await clip('quality-src.mp4', { width: 320, height: 180, durationSec: 4 });
    const { result } = await encodeInto(
      input,
      testPreset({ segment: { durationSec: 1 }, rungs: preset.rungs }),
      {},
      { quality: true },
    );
    const [small, large] = result.variants.map((v) => v.quality!);
    expect(small!.psnr.mean).toBeLessThan(large!.psnr.mean);
    // One value per segment of the final playlist; the worst segment is one of them.
    expect(large!.psnr.perSegment).toHaveLength(result.variants[1]!.segments);
    expect(small!.psnr.perSegment).toContain(small!.psnr.worst.value);
    expect(result.quality).toMatchObject({ metrics: ['psnr', 'ssim'], sampleEvery: 1, measuredFrames: 120 });
    expect(result.quality!.shareOfEncode).toBeGreaterThan(0);
    expect(result.quality!.unavailable.join()).toMatch(/vmaf/);
    const json = JSON.parse(await readFile(result.videoJson, 'utf8')) as VideoJson;
    expect(json.variants[0]!.quality).toEqual(small);
    const again = await measurePackageQuality(result.packageDir, input);
    expect(again.variants[0]!.quality!.psnr.mean).toBeCloseTo(small!.psnr.mean, 2);
    expect(again.variants[1]!.quality!.ssim.perSegment).toEqual(large!.ssim.perSegment);
  }, 180_000);

  it('a source whose picture starts 21 ms after its sound measures as well as the same picture on time', async () => {
    // The rung's first frame is padded to 0 in the filter, where the reference sees it too; left to
    // ffmpeg's output, the rung ran a frame behind its reference and this read about 7 dB low.
    const onTime = await clip('quality-src.mp4', { width: 320, height: 180, durationSec: 4 });
    const late = await lateVideoJoin(onTime);
    expect((await probeSource(late)).video!.startOffsetSec).toBeCloseTo(0.021, 2);
    const top = async (file: string) => {
      const { result } = await encodeInto(file, preset, {}, { quality: true });
      return result.variants[1]!.quality!.psnr;
    };
    const [a, b] = [await top(onTime), await top(late)];
    expect(Math.abs(b.mean - a.mean)).toBeLessThan(1);
    expect(b.p5).toBeGreaterThan(a.p5 - 1.5);
  }, 180_000);

  it('VMAF and XPSNR run only after a self-test; one that fails in the real run costs only itself', async () => {
    const bins = await binaries();
    // CI and this machine run Debian 12's ffmpeg 5.1: no libvmaf, no xpsnr (docs/quality.md).
    expect((await probeCapabilities(bins)).filters).not.toContain('xpsnr');
    expect((await metricSupport()).run).not.toContain('xpsnr');
    const input = await clip('quality-src.mp4', { width: 320, height: 180, durationSec: 4 });
    const { result } = await encodeInto(
      input,
      testPreset({ segment: { durationSec: 1 }, rungs: preset.rungs }),
    );
    const plan = planEncode(await probeSource(input), preset, { segmentDurationSec: 1 });
    // Forced past its self-test, XPSNR fails the run ("No such filter"); PSNR and SSIM are measured again.
    const frames = await measureQuality(plan, {
      packageDir: result.packageDir,
      workDir: await scratchDir('quality-forced-'),
      file: input,
      metrics: { run: ['xpsnr'], unavailable: [] },
    });
    expect(frames.method.metrics).toEqual(['psnr', 'ssim']);
    expect(frames.method.unavailable).toEqual([
      "xpsnr: the measuring run failed with it (No such filter: 'xpsnr')",
    ]);
    expect(frames.rungs.map((r) => [r.psnr.length, r.xpsnr])).toEqual([
      [120, undefined],
      [120, undefined],
    ]);
  }, 120_000);

  it('`quality` refuses a source whose ladder is not the package’s, before measuring anything', async () => {
    const input = await clip('quality-src.mp4', { width: 320, height: 180, durationSec: 4 });
    const other = await clip('quality-square.mp4', { width: 200, height: 200, durationSec: 2 });
    const preset = testPreset({
      rungs: [
        { width: 160, height: 90, bitrateKbps: 300 },
        { width: 320, height: 180, bitrateKbps: 600 },
      ],
    });
    const { result } = await encodeInto(input, preset);
    expect(result.quality).toBeUndefined();
    const error = await measurePackageQuality(result.packageDir, other).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(
      /quality-square\.mp4: its ladder .* is not the package's .*was the package made from this file\?/,
    );
    const json = JSON.parse(await readFile(path.join(result.packageDir, 'video.json'), 'utf8')) as VideoJson;
    expect(json.quality).toBeUndefined();
  }, 120_000);
});
