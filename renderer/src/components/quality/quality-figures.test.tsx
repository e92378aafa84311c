import { describe, expect, it } from 'vitest';
import { qualityFromVideoJson, rungOrder } from './quality-figures';
import { TWO_RUNGS } from './test-figures';

/** video.json as the engine writes it, top rung first (the preset's order), with fields the panel ignores. */
const videoJson = () => ({
  schema: 'hls-studio/video@1',
  durationSec: TWO_RUNGS.durationSec,
  quality: TWO_RUNGS.method,
  variants: [...TWO_RUNGS.rungs].reverse().map(({ number: _n, ...r }) => ({
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
