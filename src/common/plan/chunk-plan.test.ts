import { describe, expect, it } from 'vitest';
import { presetFrom } from '../../../test/helpers/presets.js';
import { source } from '../../../test/helpers/sources.js';
import { buildChunkArgs } from '../ffmpeg/hls-args.js';
import { chunkPlan, filmTrackPlan, planChunks, planChunkWindows } from './chunk-plan.js';
import { planEncode } from './ladder-plan.js';

const preset = presetFrom({
  segment: { durationSec: 6 },
  rungs: [
    { width: 640, height: 360, bitrateKbps: 600, maxFrameRate: 30 },
    { width: 1280, height: 720, bitrateKbps: 2800 },
  ],
});

describe('chunk windows', () => {
  it('whole segments each, shared out evenly; the last window takes the partial segment', () => {
    const w = planChunkWindows(63.5, 6, 3);
    expect(w.map((x) => x.segmentCount)).toEqual([4, 3, 3]);
    expect(w.map((x) => x.startSec)).toEqual([0, 24, 42]);
    expect(w.map((x) => x.firstSegment)).toEqual([0, 4, 7]);
    expect(w.map((x) => x.durationSec)).toEqual([24, 18, 21.5]);
  });

  it('every window starts on a segment boundary, so on a forced keyframe of every rung (Apple 7.4)', () => {
    for (const [duration, n] of [
      [600, 4],
      [7201.3, 7],
      [30.02, 2],
    ] as const) {
      const w = planChunkWindows(duration, 6, n);
      expect(w).toHaveLength(n);
      for (const x of w) expect(x.startSec / 6).toBe(x.firstSegment);
      expect(w.at(-1)!.startSec + w.at(-1)!.durationSec).toBeCloseTo(duration, 9);
    }
  });

  it('never more windows than whole segments; a film shorter than a segment is one window', () => {
    expect(planChunkWindows(13, 6, 8).map((x) => x.segmentCount)).toEqual([1, 1]);
    expect(planChunkWindows(4, 6, 3)).toEqual([
      { index: 0, startSec: 0, durationSec: 4, firstSegment: 0, segmentCount: 1 },
    ]);
    // A hair under a whole number of segments is that number.
    expect(planChunkWindows(11.9999999, 6, 2).map((x) => x.segmentCount)).toEqual([1, 1]);
  });
});

describe('chunk plans', () => {
  const plan = planEncode(source({}, { durationSec: 63.5 }), preset);
  const windows = planChunks(plan, 3);

  it('a chunk encodes every rung and the image frames over its window only: no audio, subtitles or keys', () => {
    const c = chunkPlan(plan, windows[1]!, windows);
    expect(c.inputWindow).toEqual({ startSec: 24, durationSec: 18 });
    expect(c.video!.rungs).toEqual(plan.video!.rungs);
    expect(c.images).toEqual(plan.images);
    expect([c.audio, c.subtitles, c.encryption, c.durationCapSec]).toEqual([[], [], undefined, undefined]);
    // The last window reads to the cap (video end + 1 s), or without one to the end of the file.
    const capped = { ...plan, durationCapSec: 64.5 };
    expect(chunkPlan(capped, windows[2]!, windows).inputWindow).toEqual({ startSec: 42, durationSec: 22.5 });
    expect(chunkPlan(plan, windows[2]!, windows).inputWindow!.durationSec).toBeGreaterThan(63.5 * 2 - 42);
  });

  it('windows nest inside an excerpt', () => {
    const excerpt = { ...plan, inputWindow: { startSec: 100, durationSec: 63.5 }, durationCapSec: undefined };
    const w = planChunks(excerpt, 3);
    expect(chunkPlan(excerpt, w[1]!, w).inputWindow).toEqual({ startSec: 124, durationSec: 18 });
    expect(chunkPlan(excerpt, w[2]!, w).inputWindow).toEqual({ startSec: 142, durationSec: 21.5 });
  });

  it('the film-long part has every audio rendition and no picture at all', () => {
    const film = filmTrackPlan(plan)!;
    expect(film.audio).toEqual(plan.audio);
    expect([film.video, film.images]).toEqual([undefined, undefined]);
    const args = buildChunkArgs(film, { startSec: 0, firstSegment: 0 });
    expect(args).not.toContain('-force_key_frames:v');
    expect(args).not.toContain('-filter_complex');
    expect(args.join(' ')).toContain(`-var_stream_map a:0,name:${plan.audio[0]!.id}`);
  });

  it('chunk arguments: timestamps from the window start, segment numbers that continue, no timestamp shift', () => {
    const w = windows[1]!;
    const args = buildChunkArgs(chunkPlan(plan, w, windows), {
      startSec: w.startSec,
      firstSegment: w.firstSegment,
    });
    const after = (flag: string) => args[args.indexOf(flag) + 1];
    expect(after('-ss')).toBe('24');
    expect(after('-t')).toBe('18');
    expect(after('-output_ts_offset')).toBe('24');
    expect(after('-start_number')).toBe('4');
    expect(after('-avoid_negative_ts')).toBe('disabled');
    expect(after('-hls_segment_options')).toBe('avoid_negative_ts=disabled');
    // Same encoder settings and forced keyframes as a one-pass run.
    expect(after('-force_key_frames:v')).toBe(`expr:gte(t,n_forced*${plan.keyframeIntervalSec})`);
    const fmp4 = { ...plan, format: 'fmp4' as const };
    const fArgs = buildChunkArgs(chunkPlan(fmp4, w, windows), { startSec: 24, firstSegment: 4 });
    expect(fArgs[fArgs.indexOf('-hls_segment_options') + 1]).toBe(
      'avoid_negative_ts=disabled:movflags=+frag_discont',
    );
  });
});
