import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { listBuiltInPresets } from '../../node/presets/preset-store.js';
import {
  analysisOptionsFor,
  analyzeLadder,
  appleWarnings,
  bitsInversions,
  checkLadder,
  BILLING_GB,
  bitsPerPixel,
  estimateCost,
  estimateSize,
  fitRungsToSource,
  rungFrameRate,
  rungSpacing,
  shapeNotes,
  startVariantIndex,
} from './ladder-analysis.js';
import { parsePreset, type Preset, type PresetInput } from './preset-schema.js';

function preset(over: Partial<PresetInput> = {}): Preset {
  const result = parsePreset({
    id: 'test',
    name: 'Test',
    rungs: [{ width: 1280, height: 720, bitrateKbps: 3000 }],
    ...over,
  });
  if (!result.ok) throw new Error(result.issues.join('\n'));
  return result.preset;
}

const appleH264 = (() => {
  const result = parsePreset(
    JSON.parse(readFileSync(new URL('../../../presets/apple-h264.json', import.meta.url), 'utf8')),
  );
  if (!result.ok) throw new Error(result.issues.join('\n'));
  return result.preset;
})();

const codes = (notes: { code: string }[]) => notes.map((n) => n.code);

describe('bits per pixel', () => {
  it('is bit rate / (width × height × fps), at the assumed 30 fps by default', () => {
    const rung = { width: 1280, height: 720, bitrateKbps: 3000 };
    expect(bitsPerPixel(rung)).toBeCloseTo(3_000_000 / (1280 * 720 * 30), 6);
    expect(bitsPerPixel(rung, 60)).toBeCloseTo(3_000_000 / (1280 * 720 * 60), 6);
  });

  it("uses the rung's frame-rate cap, never above the source's rate", () => {
    expect(rungFrameRate({ maxFrameRate: 30 }, 60)).toBe(30);
    expect(rungFrameRate({ maxFrameRate: 60 }, 24)).toBe(24);
    expect(rungFrameRate({}, 25)).toBe(25);
    const rung = { width: 640, height: 360, bitrateKbps: 365, maxFrameRate: 30 };
    expect(bitsPerPixel(rung, 60)).toBeCloseTo(365_000 / (640 * 360 * 30), 6);
  });

  it('divides the rate under the cap as the planner does: 50 fps under a 30 fps cap is 25', () => {
    expect(rungFrameRate({ maxFrameRate: 30 }, 50)).toBe(25);
    expect(rungFrameRate({ maxFrameRate: 30 }, 59.94)).toBeCloseTo(29.97, 2);
  });

  it('is NaN, not Infinity, for a rung with no area', () => {
    expect(bitsPerPixel({ width: 0, height: 720, bitrateKbps: 3000 })).toBeNaN();
  });
});

describe('rung spacing', () => {
  it('pairs neighbours by bit rate even when the rungs are listed out of order', () => {
    const steps = rungSpacing([
      { bitrateKbps: 3000 },
      { bitrateKbps: 145 },
      { bitrateKbps: 1100 },
      { bitrateKbps: 730 },
    ]);
    expect(steps.map((s) => [s.lower, s.upper])).toEqual([
      [1, 3],
      [3, 2],
      [2, 0],
    ]);
    expect(steps[0]!.ratio).toBeCloseTo(730 / 145, 6);
    expect(steps.map((s) => s.status)).toEqual(['gap', 'ok', 'gap']);
  });

  it('warns below 1.5x (equal rates included) and calls a step above 2.5x a gap', () => {
    expect(rungSpacing([{ bitrateKbps: 1000 }, { bitrateKbps: 1400 }])[0]!.status).toBe('tight');
    expect(rungSpacing([{ bitrateKbps: 1000 }, { bitrateKbps: 1000 }])[0]).toMatchObject({
      ratio: 1,
      status: 'tight',
    });
    expect(rungSpacing([{ bitrateKbps: 1000 }, { bitrateKbps: 1500 }])[0]!.status).toBe('ok');
    expect(rungSpacing([{ bitrateKbps: 1000 }, { bitrateKbps: 2600 }])[0]!.status).toBe('gap');
    const notes = shapeNotes(
      preset({
        rungs: [
          { width: 1280, height: 720, bitrateKbps: 3000 },
          { width: 1280, height: 720, bitrateKbps: 3200 },
        ],
      }),
    );
    expect(notes.find((n) => n.code === 'spacing-tight')).toMatchObject({ severity: 'note', rungs: [0, 1] });
  });

  it('a ladder of one rung has no steps', () => {
    expect(rungSpacing([{ bitrateKbps: 3000 }])).toEqual([]);
  });
});

describe('rungs the source skips', () => {
  it('a 720p source skips the 1080p rungs of the Apple ladder', () => {
    const { fits, fallback } = fitRungsToSource(appleH264.rungs, { width: 1280, height: 720 });
    expect(fits.map((f) => f.skipped)).toEqual([false, false, false, false, false, false, false, true, true]);
    expect(fallback).toBeUndefined();
  });

  it('compares long side with long side: a 720x1280 portrait source skips the same rungs', () => {
    const { fits } = fitRungsToSource(appleH264.rungs, { width: 720, height: 1280 });
    expect(fits.map((f) => f.skipped)).toEqual([false, false, false, false, false, false, false, true, true]);
    expect(fits[6]).toMatchObject({ width: 720, height: 1280 });
  });

  it('a 1080x1920 phone video keeps every 1080p rung, turned to portrait', () => {
    const { fits } = fitRungsToSource(appleH264.rungs, { width: 1080, height: 1920 });
    expect(fits.every((f) => !f.skipped)).toBe(true);
    expect(fits[8]).toMatchObject({ width: 1080, height: 1920 });
  });

  it('a 4:3 1440x1080 source keeps 1920x1080, encoded as 1440x1080', () => {
    const { fits } = fitRungsToSource([{ width: 1920, height: 1080, bitrateKbps: 6000 }], {
      width: 1440,
      height: 1080,
    });
    expect(fits[0]).toEqual({ skipped: false, width: 1440, height: 1080 });
  });

  it('a source smaller than every rung gets one rung at its own size, rate scaled by pixels^0.75', () => {
    const { fits, fallback } = fitRungsToSource(
      [
        { width: 640, height: 360, bitrateKbps: 365 },
        { width: 416, height: 234, bitrateKbps: 145 },
      ],
      { width: 320, height: 180 },
    );
    expect(fits.every((f) => f.skipped)).toBe(true);
    const scaled = Math.round(145 * Math.pow((320 * 180) / (416 * 234), 0.75));
    expect(fallback).toEqual({ width: 320, height: 180, bitrateKbps: scaled });
  });

  it('shapeNotes names the skipped rungs', () => {
    const notes = shapeNotes(appleH264, { source: { width: 1280, height: 720 } });
    expect(notes.find((n) => n.code === 'source-skips')).toMatchObject({
      rungs: [7, 8],
      message: expect.stringMatching(/^Rungs 8, 9 above the 1280x720 source will be skipped/),
    });
  });
});

describe('start variant', () => {
  it('is the rung nearest the start bit rate, among the kept ones', () => {
    expect(startVariantIndex(appleH264.rungs, 2000)).toBe(4);
    expect(startVariantIndex(appleH264.rungs, 5000, [0, 1, 2, 3, 4, 5])).toBe(5);
    expect(startVariantIndex([{ bitrateKbps: 3000 }, { bitrateKbps: 1000 }], 2000)).toBe(0);
    expect(startVariantIndex([], 2000)).toBeUndefined();
  });
});

describe('Apple HLS Authoring Spec warnings', () => {
  it("Apple's own ladder raises no problem", () => {
    const notes = appleWarnings(appleH264, { sourceFps: 60 });
    expect(notes.filter((n) => n.severity !== 'note')).toEqual([]);
    expect(codes(notes)).toEqual(['apple-1.13', 'apple-1.32']);
  });

  it('1.25: rungs at 432p or below without a 30 fps cap, a problem when the source is faster', () => {
    const p = preset({
      rungs: [
        { width: 640, height: 360, bitrateKbps: 365 },
        { width: 768, height: 432, bitrateKbps: 730, maxFrameRate: 60 },
        { width: 1280, height: 720, bitrateKbps: 3000 },
      ],
    });
    const fast = appleWarnings(p, { sourceFps: 60 }).find((n) => n.code === 'apple-1.25-fps');
    expect(fast).toMatchObject({ severity: 'problem', rungs: [0, 1] });
    expect(fast!.message).toMatch(/Rungs 1, 2 .*30 fps \(Apple HLS 1\.25\): a 60 fps source/);
    expect(appleWarnings(p, { sourceFps: 30 }).find((n) => n.code === 'apple-1.25-fps')?.severity).toBe(
      'note',
    );
  });

  it('1.30: a max bit rate above 200% of the average', () => {
    const p = preset({ rungs: [{ width: 1280, height: 720, bitrateKbps: 3000, maxBitrateKbps: 6100 }] });
    expect(appleWarnings(p).find((n) => n.code === 'apple-1.30')).toMatchObject({
      severity: 'problem',
      rungs: [0],
      message: expect.stringContaining('(Apple HLS 1.30)'),
    });
    const atLimit = preset({
      rungs: [{ width: 1280, height: 720, bitrateKbps: 3000, maxBitrateKbps: 6000 }],
    });
    expect(codes(appleWarnings(atLimit))).not.toContain('apple-1.30');
  });

  it('7.5/7.6 and 1.13: segment duration other than 6 s, and where keyframes fall', () => {
    const notes = appleWarnings(preset({ segment: { durationSec: 5 } }));
    expect(notes.find((n) => n.code === 'apple-7.5')?.message).toMatch(/5 s; Apple targets 6 s/);
    expect(notes.find((n) => n.code === 'apple-1.13')?.message).toMatch(/every 1\.67 s/);
  });

  it('1.32: a start variant far from 2000 kb/s is a note (a "should", and cellular ladders start lower)', () => {
    const p = preset({
      startBitrateKbps: 800,
      rungs: [
        { width: 640, height: 360, bitrateKbps: 800, maxFrameRate: 30 },
        { width: 1280, height: 720, bitrateKbps: 3000 },
      ],
    });
    expect(appleWarnings(p).find((n) => n.code === 'apple-1.32')).toMatchObject({
      severity: 'note',
      message: expect.stringContaining('Apple suggests a first variant of about 2000 kb/s'),
      rungs: [0],
    });
  });

  it('1.10: HEVC in TS is a problem; 2.3: audio above 160 kb/s is a problem', () => {
    const p = preset({ video: { codec: 'hevc' }, segment: { format: 'fmp4' }, audio: { bitrateKbps: 192 } });
    const broken: Preset = { ...p, segment: { ...p.segment, format: 'ts' } };
    expect(appleWarnings(broken).find((n) => n.code === 'apple-1.10')?.severity).toBe('problem');
    expect(codes(appleWarnings(p))).not.toContain('apple-1.10');
    expect(appleWarnings(p).find((n) => n.code === 'apple-2.3')?.severity).toBe('problem');
  });
});

describe('size estimate', () => {
  const one = preset({
    rungs: [{ width: 1280, height: 720, bitrateKbps: 1000 }],
    audio: { bitrateKbps: 128 },
    images: { storyboardIntervalSec: 0, previewDurationSec: 0 },
  });

  it('sums average video and audio rates; playlists add a sliver', () => {
    const size = estimateSize(one);
    expect(size.videoKbps).toBe(1000);
    expect(size.audioKbps).toBe(128);
    // 10 segments a minute × (media + I-frame + audio playlist) × 50 bytes.
    expect(size.overheadKbps).toBeCloseTo((10 * 3 * 50 * 8) / 60 / 1000, 6);
    expect(size.bytesPerMinute).toBeCloseTo(((1128 + size.overheadKbps) * 1000 * 60) / 8, 3);
    expect(size.bytesPerMinute / 1e6).toBeCloseTo(8.46, 2);
  });

  it('each audio rendition counts', () => {
    expect(estimateSize(one, { audioRenditions: 2 }).audioKbps).toBe(256);
  });

  it('the storyboard adds a small allowance only when it is on', () => {
    const withStoryboard = estimateSize({ ...one, images: { ...one.images, storyboardIntervalSec: 5 } });
    const without = estimateSize(one);
    expect(withStoryboard.bytesPerMinute).toBeGreaterThan(without.bytesPerMinute);
    expect(withStoryboard.overheadKbps / withStoryboard.totalKbps).toBeLessThan(0.02);
  });

  it('counts only the rungs the source keeps', () => {
    const size = estimateSize(appleH264, { source: { width: 1280, height: 720 } });
    expect(size.rungs).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(size.videoKbps).toBe(145 + 365 + 730 + 1100 + 2000 + 3000 + 4500);
  });

  it("counts the planner's one fallback rung for a source smaller than every rung", () => {
    const size = estimateSize(one, { source: { width: 320, height: 180 } });
    expect(size.rungs).toEqual([]);
    expect(size.videoKbps).toBe(
      fitRungsToSource(one.rungs, { width: 320, height: 180 }).fallback!.bitrateKbps,
    );
  });
});

describe('cost estimate', () => {
  const one = preset({
    rungs: [
      { width: 640, height: 360, bitrateKbps: 400, maxFrameRate: 30 },
      { width: 1280, height: 720, bitrateKbps: 1000 },
    ],
    audio: { bitrateKbps: 128 },
  });

  it('storage is GB-months × price; egress is views × minutes on the top rung, audio included', () => {
    const cost = estimateCost(one, { minutes: 10, views: 1000 });
    expect(cost.viewedRung).toBe(1);
    expect(cost.viewedKbps).toBe(1128);
    const egressBytes = (1000 * 600 * 1128 * 1000) / 8;
    expect(cost.egressBytes).toBeCloseTo(egressBytes, 0);
    expect(cost.egress).toBeCloseTo((egressBytes / BILLING_GB) * 0.09, 6);
    const size = estimateSize(one);
    expect(cost.packageBytes).toBeCloseTo(size.bytesPerMinute * 10 + size.fixedBytes, 0);
    expect(cost.storagePerMonth).toBeCloseTo((cost.packageBytes / BILLING_GB) * 0.023, 9);
    expect(cost.total).toBeCloseTo(cost.storagePerMonth + cost.egress, 9);
  });

  it('prices are inputs; the viewed rung may be the start variant or any rung', () => {
    const base = { minutes: 60, views: 10, storagePricePerGbMonth: 0.01, egressPricePerGb: 0.05 };
    const top = estimateCost(one, base);
    const cheaper = estimateCost(one, { ...base, egressPricePerGb: 0.025 });
    expect(cheaper.egress).toBeCloseTo(top.egress / 2, 9);
    expect(estimateCost(one, { ...base, viewedRung: 0 }).viewedKbps).toBe(528);
    expect(estimateCost(appleH264, { ...base, viewedRung: 'start' }).viewedRung).toBe(4);
  });

  it("the top rung is the highest the source keeps, whatever the rungs' order", () => {
    const shuffled: Preset = { ...appleH264, rungs: [...appleH264.rungs].reverse() };
    const cost = estimateCost(shuffled, { minutes: 1, views: 1, source: { width: 1280, height: 720 } });
    expect(shuffled.rungs[cost.viewedRung!]!.bitrateKbps).toBe(4500);
  });

  it('no minutes, no cost', () => {
    expect(estimateCost(one, { minutes: 0, views: 100 })).toMatchObject({ packageBytes: 0, total: 0 });
  });
});

describe('analyzeLadder', () => {
  it('reports each rung and lists problems before notes', () => {
    const p = preset({
      rungs: [
        { width: 1920, height: 1080, bitrateKbps: 6000 },
        { width: 640, height: 360, bitrateKbps: 365 },
        { width: 1280, height: 720, bitrateKbps: 3000, maxBitrateKbps: 7000 },
      ],
    });
    const analysis = analyzeLadder(p, { source: { width: 1280, height: 720 }, sourceFps: 60 });
    expect(analysis.rungs.map((r) => r.kept)).toEqual([false, true, true]);
    expect(analysis.rungs[1]).toMatchObject({ fps: 60, peakKbps: 548 });
    expect(analysis.start).toBe(2);
    expect(analysis.rungs[2]!.isStart).toBe(true);
    const ranks = analysis.notes.map((n) => ['problem', 'note'].indexOf(n.severity));
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
    expect(codes(analysis.notes)).toEqual(
      expect.arrayContaining(['apple-1.25-fps', 'apple-1.30', 'source-skips']),
    );
  });
});

describe('bits inversion', () => {
  it('flags a rung with fewer pixels but a higher bit rate than a larger rung, on the smaller rung', () => {
    const notes = bitsInversions([
      { width: 640, height: 360, bitrateKbps: 2000 },
      { width: 1280, height: 720, bitrateKbps: 1500 },
      { width: 1920, height: 1080, bitrateKbps: 5000 },
    ]);
    expect(notes).toEqual([
      expect.objectContaining({
        severity: 'problem',
        code: 'bits-inversion',
        rungs: [0],
        message: expect.stringMatching(
          /^Rung 1 \(640x360, 2000 kb\/s\) gets more bits than the larger rung 2 /,
        ),
      }),
    ]);
  });

  it('names every larger rung a small one outspends, in any preset order', () => {
    const notes = bitsInversions([
      { width: 1920, height: 1080, bitrateKbps: 1000 },
      { width: 1280, height: 720, bitrateKbps: 900 },
      { width: 640, height: 360, bitrateKbps: 1200 },
    ]);
    expect(notes.map((n) => n.rungs)).toEqual([[2]]);
    expect(notes[0]!.message).toMatch(/larger rungs 1 \(1920x1080, 1000 kb\/s\), 2 \(1280x720, 900 kb\/s\)/);
  });

  it('same size at two rates, or more bits for more pixels, is no inversion', () => {
    expect(bitsInversions(appleH264.rungs)).toEqual([]);
    expect(
      bitsInversions([
        { width: 1280, height: 720, bitrateKbps: 3000 },
        { width: 1280, height: 720, bitrateKbps: 4500 },
      ]),
    ).toEqual([]);
  });

  it('is part of checkLadder, the set the editor and the CLI share', () => {
    const p = preset({
      rungs: [
        { width: 640, height: 360, bitrateKbps: 2000, maxFrameRate: 30 },
        { width: 1280, height: 720, bitrateKbps: 1500 },
      ],
    });
    expect(checkLadder(p)[0]).toMatchObject({ severity: 'problem', code: 'bits-inversion' });
  });
});

describe('built-in presets', () => {
  it('raise no problem, with no source, a 24/30/60 fps source, or a 1080p one', async () => {
    const presets = await listBuiltInPresets();
    expect(presets.map((p) => p.id)).toEqual(
      expect.arrayContaining(['apple-h264', 'apple-hevc', 'mobile-light', 'web-compact']),
    );
    const sources = [
      {},
      { sourceFps: 24 },
      { sourceFps: 30 },
      { sourceFps: 60 },
      analysisOptionsFor({ displayWidth: 1920, displayHeight: 1080, frameRate: { num: 30000, den: 1001 } }),
    ];
    for (const p of presets) {
      for (const options of sources) {
        const problems = checkLadder(p, options).filter((n) => n.severity === 'problem');
        expect({ preset: p.id, options, problems }).toEqual({ preset: p.id, options, problems: [] });
      }
    }
  });
});
