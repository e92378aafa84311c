import { readFile } from 'node:fs/promises';
import path from 'node:path';
import HLS from 'hls-parser';
import type { EncodeEvent } from '../../src/common/encode-events.js';
import type { PlanOptions } from '../../src/common/plan/ladder-plan.js';
import type { Preset } from '../../src/common/presets/preset-schema.js';
import { encodePackage, type EncodeRequest } from '../../src/node/encode/encode-package.js';
import { scratchDir } from './clips.js';
import { presetFrom } from './presets.js';

export type MasterPlaylist = InstanceType<typeof HLS.types.MasterPlaylist>;
export type MediaPlaylist = InstanceType<typeof HLS.types.MediaPlaylist>;

/** Three small rungs, 2 s segments, fastest x264: a real ladder that encodes in about a second. */
export function testPreset(overrides: Record<string, unknown> = {}): Preset {
  return presetFrom({
    video: { speedPreset: 'ultrafast' },
    segment: { durationSec: 2 },
    startBitrateKbps: 500,
    images: { storyboardIntervalSec: 1 },
    rungs: [
      { width: 320, height: 180, bitrateKbps: 250, maxFrameRate: 30 },
      { width: 480, height: 270, bitrateKbps: 500 },
      { width: 640, height: 360, bitrateKbps: 900 },
    ],
    ...overrides,
  });
}

/**
 * A two-rung fMP4 ladder with 4 s segments and a keyframe every 2 s: segments that hold more than one
 * keyframe interval, the case in which ffmpeg 5.1 once wrote the first segment into the init section.
 */
export function fmp4TestPreset(codec: 'h264' | 'hevc'): Preset {
  return testPreset({
    video: { codec, speedPreset: 'ultrafast' },
    segment: { durationSec: 4, format: 'fmp4' },
    images: { previewDurationSec: 0 },
    rungs: [
      { width: 320, height: 180, bitrateKbps: 250, maxFrameRate: 30 },
      { width: 640, height: 360, bitrateKbps: 800 },
    ],
  });
}

/** Encodes into a fresh scratch folder; the package is `<out>/pkg`. */
export async function encodeInto(
  input: string,
  preset = testPreset(),
  planOptions: PlanOptions = {},
  request: Partial<EncodeRequest> = {},
) {
  const out = await scratchDir('encode-');
  const events: EncodeEvent[] = [];
  const result = await encodePackage(
    { input, packageDir: path.join(out, 'pkg'), preset, planOptions, ...request },
    { onEvent: (e) => events.push(e) },
  );
  return { out, result, events };
}

export async function readPlaylist<T = MediaPlaylist>(file: string): Promise<T> {
  return HLS.parse(await readFile(file, 'utf8')) as T;
}
