import { describe, expect, it } from 'vitest';
import { offeredMetrics, qualityFromVideoJson, rungOrder } from './quality-figures';
import { TWO_RUNGS, WITH_VMAF } from './test-figures';

/** video.json as the engine writes it, top rung first (the preset's order), with fields the panel ignores. */
const videoJson = (figures = TWO_RUNGS) => ({
  schema: 'hls-studio/video@1',
  durationSec: figures.durationSec,
  quality: figures.method,
  variants: [...figures.rungs].reverse().map(({ number: _n, ...r }) => ({
    ...r,
    codecs: ['avc1.64001e'],
    peakBandwidth: r.averageBandwidth * 1.2,
    segments: 2,
  })),
  audio: [],
});

describe('qualityFromVideoJson', () => {
  it('numbers the rungs from 1, lowest first, as the preview does, whatever order video.json lists them in', () => {
    const quality = qualityFromVideoJson(videoJson());
    expect(quality?.rungs.map((r) => [r.number, r.height])).toEqual([
      [1, 180],
      [2, 270],
    ]);
    expect(quality).toEqual(TWO_RUNGS);
  });
  it('is undefined for a package without figures (older, --no-quality) or for something else', () => {
    const { quality: _q, ...older } = videoJson();
    expect(qualityFromVideoJson(older)).toBeUndefined();
    expect(
      qualityFromVideoJson({ ...videoJson(), variants: [{ uri: 'audio.m3u8', averageBandwidth: 1 }] }),
    ).toBeUndefined();
    expect(qualityFromVideoJson({ error: 'no such package' })).toBeUndefined();
    expect(qualityFromVideoJson(null)).toBeUndefined();
  });
  it('reads VMAF where the package has it; an older package (PSNR and SSIM only) offers just those', () => {
    const quality = qualityFromVideoJson(videoJson(WITH_VMAF))!;
    expect(quality).toEqual(WITH_VMAF);
    expect(offeredMetrics(quality)).toEqual(['psnr', 'ssim', 'vmaf']);
    expect(offeredMetrics(qualityFromVideoJson(videoJson())!)).toEqual(['psnr', 'ssim']);
  });
  it('offers a metric only when every rung has it', () => {
    const json = videoJson(WITH_VMAF);
    delete json.variants[0]!.quality.vmaf;
    expect(offeredMetrics(qualityFromVideoJson(json)!)).toEqual(['psnr', 'ssim']);
  });
  it('refuses figures of the wrong shape rather than drawing them', () => {
    const json = videoJson();
    json.variants[0]!.quality = { psnr: { mean: 'high' } } as never;
    expect(qualityFromVideoJson(json)).toBeUndefined();
  });
});

describe('rungOrder', () => {
  it('sorts as hls.js sorts levels: by height, then by average bit rate', () => {
    const v = (height: number, averageBandwidth: number) => ({ height, averageBandwidth });
    expect(rungOrder([v(720, 3e6), v(360, 9e5), v(720, 2e6)])).toEqual([
      v(360, 9e5),
      v(720, 2e6),
      v(720, 3e6),
    ]);
  });
});
