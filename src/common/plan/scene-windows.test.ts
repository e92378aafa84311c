import { describe, expect, it } from 'vitest';
import {
  evenWindows,
  onFrameGrid,
  parseSceneScan,
  pickProbeWindows,
  SCAN_STRETCHES_MAX,
  scanStretches,
  shotsOf,
  type ScanFrame,
} from './scene-windows.js';

/** A scan as ffmpeg 5.1's `metadata=mode=print` writes it (cut at 4 s; the cut frame has `time`). */
const PRINTED = `frame:0    pts:0       pts_time:0
lavfi.scd.mafd=0.000
lavfi.scd.score=0.000
frame:1    pts:512     pts_time:0.04
lavfi.scd.mafd=0.881
lavfi.scd.score=0.881
frame:100  pts:51200   pts_time:4
lavfi.scd.mafd=18.916
lavfi.scd.score=17.927
lavfi.scd.time=4
frame:101  pts:51712   pts_time:4.04
lavfi.scd.mafd=nan
`;

/** Frames at 10 per second with the given motion per second and cuts at the given times. */
function scan(motionPerSec: number[], cutsAt: number[] = []): ScanFrame[] {
  return motionPerSec.flatMap((mafd, sec) =>
    Array.from({ length: 10 }, (_, i) => {
      const timeSec = sec + i / 10;
      return { timeSec, mafd, score: cutsAt.includes(timeSec) ? 30 : 0.1 };
    }),
  );
}

describe('the scene scan picks the per-title probe windows (issue 15)', () => {
  it('reads ffmpeg’s printed metadata, skipping frames without a number', () => {
    expect(parseSceneScan(PRINTED)).toEqual([
      { timeSec: 0, mafd: 0, score: 0 },
      { timeSec: 0.04, mafd: 0.881, score: 0.881 },
      { timeSec: 4, mafd: 18.916, score: 17.927 },
    ]);
    expect(parseSceneScan('')).toEqual([]);
  });

  it('cuts shots at scene changes and slices long ones, leaving the cut frame out of the motion', () => {
    const frames = scan([1, 1, 1, 1, 9, 9, 9, 9], [4]);
    const { shots, cuts } = shotsOf(frames, [{ startSec: 0, durationSec: 8 }], 100);
    expect(cuts).toBe(1);
    expect(shots.map((s) => [s.startSec, s.endSec])).toEqual([
      [0, 4],
      [4, 8],
    ]);
    expect(shots[0]!.motion).toBeCloseTo(1);
    expect(shots[1]!.motion).toBeCloseTo(9);
    // A single long take is sliced so that it still offers several places.
    expect(shotsOf(scan([1, 1, 1, 1]), [{ startSec: 0, durationSec: 4 }], 1).shots).toHaveLength(4);
  });

  it('takes windows at motion quantiles weighted by time, so a mostly calm film gets mostly calm probes', () => {
    // 30 s calm (motion 1), then 10 s busy (motion 20): 3 of 4 windows calm, 1 busy.
    const frames = scan([...Array<number>(30).fill(1), ...Array<number>(10).fill(20)], [30]);
    const { windows, summary } = pickProbeWindows(frames, { startSec: 0, durationSec: 40 }, 4, 2);
    expect(summary).toEqual({
      frames: 400,
      cuts: 1,
      shots: 4,
      placement: 'motion quantiles',
      scanned: { stretches: 1, seconds: 40 },
    });
    expect(windows).toHaveLength(4);
    expect(windows.filter((w) => w.startSec + w.durationSec <= 30)).toHaveLength(3);
    expect(windows.filter((w) => w.startSec >= 30)).toHaveLength(1);
    // Distinct, in time order, inside the span, and none across the cut.
    for (const [i, w] of windows.entries()) {
      expect(w.durationSec).toBe(2);
      if (i > 0) expect(w.startSec).toBeGreaterThanOrEqual(windows[i - 1]!.startSec + 2);
      expect(w.startSec < 30 && w.startSec + w.durationSec > 30).toBe(false);
    }
  });

  it('finds the rare busy scene even when it is short', () => {
    // 8 s calm, a 6 s action scene, 26 s calm: the top quantile lands in the action.
    const motion = [...Array<number>(8).fill(2), ...Array<number>(6).fill(30), ...Array<number>(26).fill(2)];
    const { windows } = pickProbeWindows(scan(motion, [8, 14]), { startSec: 0, durationSec: 40 }, 4, 2);
    expect(windows.some((w) => w.startSec >= 8 && w.startSec + w.durationSec <= 14)).toBe(true);
  });

  it('keeps the windows inside an excerpt, and spreads them evenly when the scan found nothing', () => {
    const frames = scan(Array<number>(40).fill(3));
    const span = { startSec: 10, durationSec: 20 };
    const { windows } = pickProbeWindows(frames, span, 4, 2);
    for (const w of windows) {
      expect(w.startSec).toBeGreaterThanOrEqual(10);
      expect(w.startSec + w.durationSec).toBeLessThanOrEqual(30);
    }
    const none = pickProbeWindows([], span, 4, 2);
    expect(none.summary.placement).toBe('even');
    expect(none.windows).toEqual(evenWindows(span, 4, 2));
    expect(none.windows.map((w) => w.startSec)).toEqual([11.5, 16.5, 21.5, 26.5]);
  });

  it('decodes a long source in evenly spaced stretches, and a short one whole', () => {
    expect(scanStretches({ startSec: 0, durationSec: 60 })).toEqual([{ startSec: 0, durationSec: 60 }]);
    expect(scanStretches({ startSec: 0, durationSec: 144 })).toHaveLength(1);
    const tenMinutes = scanStretches({ startSec: 0, durationSec: 600 });
    expect(tenMinutes).toHaveLength(40);
    expect(tenMinutes[0]).toEqual({ startSec: 6, durationSec: 3 });
    expect(tenMinutes[39]!.startSec + 3).toBeLessThanOrEqual(600);
    expect(scanStretches({ startSec: 0, durationSec: 7200 })).toHaveLength(SCAN_STRETCHES_MAX);
    // An excerpt's stretches stay inside it.
    for (const w of scanStretches({ startSec: 100, durationSec: 400 })) {
      expect(w.startSec).toBeGreaterThanOrEqual(100);
      expect(w.startSec + w.durationSec).toBeLessThanOrEqual(500);
    }
  });

  it('weighs a sampled scan’s stretches equally: a film three-quarters calm gets three calm probes', () => {
    const span = { startSec: 0, durationSec: 600 };
    const stretches = scanStretches(span);
    // Only the stretches were decoded: calm (motion 1) in the first 450 s, busy (motion 25) after.
    const frames = stretches.flatMap((w) =>
      Array.from({ length: 30 }, (_, i) => {
        const timeSec = w.startSec + i / 10;
        return { timeSec, mafd: timeSec < 450 ? 1 : 25, score: 0.1 };
      }),
    );
    const { windows, summary } = pickProbeWindows(frames, span, 4, 2, stretches);
    expect(summary.scanned).toEqual({ stretches: 40, seconds: 120 });
    expect(summary.shots).toBe(40);
    expect(windows.filter((w) => w.startSec + w.durationSec <= 450)).toHaveLength(3);
    // Each window lies inside a decoded stretch, where its motion was seen.
    for (const w of windows)
      expect(
        stretches.some((s) => w.startSec >= s.startSec && w.startSec + w.durationSec <= s.startSec + 3),
      ).toBe(true);
  });

  it('puts every window on whole frames of the probe rate (off the grid the probe and its reference part by a frame)', () => {
    expect(onFrameGrid({ startSec: 0.25, durationSec: 2 }, { num: 30, den: 1 })).toEqual({
      startSec: 0.266667,
      durationSec: 2,
    });
    const ntsc = onFrameGrid({ startSec: 5.25, durationSec: 2 }, { num: 30000, den: 1001 });
    expect((ntsc.startSec * 30000) / 1001).toBeCloseTo(157, 4);
    expect((ntsc.durationSec * 30000) / 1001).toBeCloseTo(60, 4);
    expect(onFrameGrid({ startSec: 0, durationSec: 0.001 }, { num: 25, den: 1 })).toEqual({
      startSec: 0,
      durationSec: 0.04,
    });
  });
});
