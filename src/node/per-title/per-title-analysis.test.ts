import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { clip, lateVideoJoin } from '../../../test/helpers/clips.js';
import { encodeInto, testPreset } from '../../../test/helpers/encode.js';
import { PROBE_CRFS } from '../../common/ffmpeg/probe-encode-args.js';
import type { VideoJson } from '../package/video-json.js';
import { probeSource } from '../probe/probe-source.js';
import { measurePackageQuality } from '../quality/package-quality.js';
import { analyzePerTitle } from './per-title-analysis.js';

describe('per-title ladder (--ladder auto, issue 15)', () => {
  it('probes every size at every CRF, picks rungs inside the preset’s bounds and records how in video.json', async () => {
    // Clean synthetic graphics: cheap to encode well, so the auto ladder stops below the fixed one.
    const input = await clip('per-title-src.mp4', { width: 640, height: 360, durationSec: 4 });
    const preset = testPreset({
      segment: { durationSec: 1 },
      rungs: [
        { width: 320, height: 180, bitrateKbps: 300, maxFrameRate: 30 },
        { width: 480, height: 270, bitrateKbps: 700 },
        { width: 640, height: 360, bitrateKbps: 1500, maxBitrateKbps: 1650 },
      ],
    });
    const { result, events } = await encodeInto(input, preset, {}, { ladder: 'auto' });
    expect(events.some((e) => e.type === 'analyzing' && e.ratio === 1)).toBe(true);
    const json = JSON.parse(await readFile(result.videoJson, 'utf8')) as VideoJson;
    const ladder = json.ladder!;
    expect(ladder.points).toHaveLength(3 * PROBE_CRFS.length);
    // The windows come from one scene-detecting decode of the whole clip (4 s at the clip's rate).
    expect(ladder.scenes.placement).toBe('motion quantiles');
    expect(ladder.scenes.frames).toBeGreaterThan(90);
    expect(ladder.windows).toHaveLength(4);
    // Probes and rungs are measured at the preset's top size, whatever top the ladder picked.
    expect(ladder.reference).toEqual({ width: 640, height: 360 });
    for (const w of ladder.windows) {
      expect(w.startSec + w.durationSec).toBeLessThanOrEqual(4.01);
      // On whole frames (30 fps): off the grid the probe and its reference part by a frame.
      expect(Math.abs(w.startSec * 30 - Math.round(w.startSec * 30))).toBeLessThan(1e-3);
    }
    for (const size of [180, 270, 360]) {
      const curve = ladder.points.filter((p) => p.height === size).sort((a, b) => a.crf - b.crf);
      // A lower CRF costs more bits and gives a better picture.
      expect(curve[0]!.kbps).toBeGreaterThan(curve[2]!.kbps);
      expect(curve[0]!.psnr).toBeGreaterThan(curve[2]!.psnr);
    }
    expect(ladder.rungs.length).toBeGreaterThanOrEqual(1);
    expect(ladder.rungs.length).toBeLessThanOrEqual(3);
    for (const r of ladder.rungs) {
      expect(r.bitrateKbps).toBeGreaterThanOrEqual(300);
      expect(r.bitrateKbps).toBeLessThanOrEqual(1500);
    }
    // The package is encoded with the chosen rungs, and it is valid.
    expect(result.variants.map((v) => v.height)).toEqual(ladder.rungs.map((r) => r.height));
    expect(result.notes[0]).toMatch(/^per-title ladder: \d rung\(s\), top \d+ kb\/s/);
    expect(result.validation.valid).toBe(true);
    // `hls-studio quality` measures it again with the rungs the analysis picked, not the preset's.
    const again = await measurePackageQuality(result.packageDir, input);
    expect(again.variants.map((v) => v.quality?.psnr.mean)).toEqual(
      result.variants.map(() => expect.any(Number)),
    );
    // …at the preset's top size, where the probes were measured.
    expect(again.quality!.reference).toMatchObject({ width: 640, height: 360 });
  }, 240_000);

  it('measures a source whose picture starts 21 ms after its sound as well as one that starts on time', async () => {
    const onTime = await clip('per-title-src.mp4', { width: 640, height: 360, durationSec: 4 });
    const late = await lateVideoJoin(onTime);
    const preset = testPreset({ rungs: [{ width: 640, height: 360, bitrateKbps: 1500 }] });
    const crf20 = async (file: string) => {
      const info = await probeSource(file);
      const record = await analyzePerTitle(info, preset, {});
      return { offset: info.video!.startOffsetSec, psnr: record.points.find((p) => p.crf === 20)!.psnr };
    };
    const [a, b] = [await crf20(onTime), await crf20(late)];
    expect(a.offset).toBe(0);
    expect(b.offset).toBeCloseTo(0.021, 2);
    // A frame apart, moving pictures read 10-25 dB low; aligned, the two agree.
    expect(a.psnr).toBeGreaterThan(40);
    expect(Math.abs(b.psnr - a.psnr)).toBeLessThan(1.5);
  }, 120_000);
});
