import { describe, expect, it } from 'vitest';
import type { RenditionModel } from './package-model.js';
import { assignKeys, audioRefitEndSec, mergeShortTail, unifiedTargetDuration } from './package-steps.js';

const rendition = (durations: number[], kind: RenditionModel['kind'] = 'video'): RenditionModel => ({
  id: kind === 'video' ? 'v0-360p' : 'audio-0',
  kind,
  segments: durations.map((durationSec, i) => ({ name: `seg_${i}.ts`, durationSec, bytes: 1000 })),
});

describe('package steps', () => {
  it('RFC 8216 6.2.4: audio more than a segment from the picture is refit to the picture’s end', () => {
    // The fuzz's spliced transport stream (1.8 s under 2.9 s) and cut iPhone file (2.4 s over 1.3 s).
    expect(audioRefitEndSec([2.9, 2.9], [1.8], 1)).toBe(2.9);
    expect(audioRefitEndSec([1.3], [2.4], 1)).toBe(1.3);
    // AAC priming and a tail within a segment are the usual case: nothing to do.
    expect(audioRefitEndSec([10.01], [10.032], 2)).toBeUndefined();
    expect(audioRefitEndSec([10], [8.5], 2)).toBeUndefined();
    // The picture is the median rung; no video or no audio, nothing to refit.
    expect(audioRefitEndSec([6, 3, 3], [3], 1)).toBeUndefined();
    expect(audioRefitEndSec([], [3], 1)).toBeUndefined();
    expect(audioRefitEndSec([3], [], 1)).toBeUndefined();
  });

  it('Apple 1.27/7.7: a 21 ms tail is folded into the segment before it, bytes and all', () => {
    const { rendition: merged, merge } = mergeShortTail(rendition([6, 6, 0.021]), 6);
    expect(merged.segments.map((s) => s.durationSec)).toEqual([6, 6.021]);
    expect(merged.segments[1]!.bytes).toBe(2000);
    expect(merge).toEqual({ into: 'seg_1.ts', from: 'seg_2.ts' });
  });

  it('a tail of a second or more, or one that would push the sum past nominal + 0.5 s, stays', () => {
    expect(mergeShortTail(rendition([6, 6, 1.5]), 6).merge).toBeUndefined();
    expect(mergeShortTail(rendition([6, 5.8, 0.9]), 6).merge).toBeUndefined();
    expect(mergeShortTail(rendition([0.5]), 6).merge).toBeUndefined();
  });

  it('Apple 8.6 / RFC 8216 4.3.3.1: one target duration, the longest EXTINF of any rendition rounded', () => {
    expect(unifiedTargetDuration([rendition([6.006, 6.006]), rendition([6.4, 5.9], 'audio')])).toBe(6);
    expect(unifiedTargetDuration([rendition([6.006]), rendition([6.6], 'audio')])).toBe(7);
  });

  it('RFC 8216 5.2: keys rotate on the same segment index in every rendition', () => {
    expect(assignKeys(rendition([6, 6, 6, 6, 2]), 2).segments.map((s) => s.keyIndex)).toEqual([
      0, 0, 1, 1, 2,
    ]);
    expect(assignKeys(rendition([6, 6]), undefined).segments.map((s) => s.keyIndex)).toEqual([0, 0]);
  });
});
