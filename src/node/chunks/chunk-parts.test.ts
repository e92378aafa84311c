import { describe, expect, it } from 'vitest';
import { testPreset } from '../../../test/helpers/encode.js';
import { source } from '../../../test/helpers/sources.js';
import { planChunks } from '../../common/plan/chunk-plan.js';
import { planEncode } from '../../common/plan/ladder-plan.js';
import { partFingerprint, partName } from './chunk-parts.js';

describe('the parts of a chunked encode', () => {
  const planFor = (file: string, crf?: number) =>
    planEncode(source({ width: 640, height: 360 }, { file, durationSec: 20 }), testPreset(), {
      ...(crf === undefined ? {} : { crf }),
    });

  it('are named for their folders: chunk-000…, film', () => {
    const windows = planChunks(planFor('/a/film.mp4'), 3);
    expect(windows.map(partName)).toEqual(['chunk-000', 'chunk-001', 'chunk-002']);
    expect(partName('film')).toBe('film');
  });

  it('print the same on two machines that downloaded the source to different places', () => {
    const here = planFor('/tmp/hls-studio-remote-abc/source/film.mp4');
    const there = planFor('/var/tmp/hls-studio-remote-xyz/source/film.mp4');
    const windows = planChunks(here, 3);
    for (const part of ['film' as const, ...windows])
      expect(partFingerprint(here, part, windows)).toBe(partFingerprint(there, part, planChunks(there, 3)));
  });

  it('print differently when the plans differ (another window, another CRF, another cut)', () => {
    const plan = planFor('/a/film.mp4');
    const windows = planChunks(plan, 3);
    const prints = new Set(windows.map((w) => partFingerprint(plan, w, windows)));
    expect(prints.size).toBe(3);
    const other = planFor('/a/film.mp4', 30);
    expect(partFingerprint(other, windows[1]!, windows)).not.toBe(
      partFingerprint(plan, windows[1]!, windows),
    );
    const twoWindows = planChunks(plan, 2);
    expect(partFingerprint(plan, twoWindows[0]!, twoWindows)).not.toBe(
      partFingerprint(plan, windows[0]!, windows),
    );
  });
});
