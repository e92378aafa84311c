import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { clip, scratchDir } from '../../../test/helpers/clips.js';
import { testPreset } from '../../../test/helpers/encode.js';
import { ffprobeJson } from '../../../test/helpers/ffprobe.js';
import type { EncodeEvent, PackageResult } from '../../common/encode-events.js';
import { parseVtt } from '../../common/subtitles/webvtt.js';
import { processCounter } from '../ffmpeg/runner.js';
import { encodePackage } from './encode-package.js';

/**
 * Issue 12: length is the unit of work. These run small pictures for long enough that the old
 * behaviour fails: progress held back until the end (poster/storyboard outputs got their first frame
 * late), a watchdog that killed a busy ffmpeg, and one process per segment after the encode.
 */
interface Timed {
  at: number;
  event: EncodeEvent;
  /** Processes started so far (this worker). */
  processes: number;
}

async function encodeTimed(input: string, preset = testPreset(), stallTimeoutSec?: number) {
  const out = await scratchDir('long-');
  const events: Timed[] = [];
  const started = performance.now();
  const result: PackageResult = await encodePackage(
    { input, packageDir: path.join(out, 'pkg'), preset, stallTimeoutSec },
    {
      onEvent: (event) =>
        events.push({ at: (performance.now() - started) / 1000, event, processes: processCounter.started }),
    },
  );
  const find = (type: EncodeEvent['type']) => events.find((e) => e.event.type === type)!;
  return { result, events, find };
}

describe('an encode longer than the watchdog', () => {
  it('with a 1 s watchdog: completes, reports progress from its first seconds at least every 2 s, never backwards, and the storyboard covers the whole video', async () => {
    const input = await clip('long-360p.mp4', { width: 640, height: 360, durationSec: 40 });
    const preset = testPreset({ video: { speedPreset: 'veryfast' } });
    const { result, events, find } = await encodeTimed(input, preset, 1);
    expect(result.validation.valid).toBe(true);

    const planned = find('planned').at;
    const packaging = find('packaging').at;
    const progress = events.filter((e) => e.event.type === 'progress');
    const encodeSec = packaging - planned;
    // Before issue 12 the first report came with the last frames (poster/storyboard outputs waited).
    expect(progress[0]!.at - planned).toBeLessThan(Math.max(2, encodeSec * 0.3));
    const gaps = progress.slice(1).map((p, i) => p.at - progress[i]!.at);
    expect(Math.max(...gaps)).toBeLessThan(2);
    const ratios = progress.map((p) => (p.event as { ratio: number }).ratio);
    expect(ratios).toEqual([...ratios].sort((a, b) => a - b));

    const vtt = parseVtt(await readFile(path.join(result.packageDir, 'storyboard/thumbnails.vtt'), 'utf8'));
    expect(vtt.at(-1)!.end).toBeGreaterThan(result.durationSec - 1.5);
    // One thumbnail a second for 40 s: one 10x4 sheet. (Frames repeated to a constant rate made 30.)
    expect(result.images?.storyboard?.sprites).toHaveLength(1);
    const sheet = await ffprobeJson(path.join(result.packageDir, result.images!.storyboard!.sprites[0]!), [
      '-show_entries',
      'stream=width,height',
    ]);
    expect(sheet.streams![0]).toMatchObject({
      width: 1600,
      height: 4 * result.images!.storyboard!.tileHeight,
    });
  });
});

describe('packaging and validation take a fixed number of processes', () => {
  it('a 14 s and a 28 s source with 1 s segments start the same number of processes after ffmpeg', async () => {
    const preset = testPreset({
      segment: { durationSec: 1 },
      rungs: [
        { width: 160, height: 90, bitrateKbps: 150, maxFrameRate: 30 },
        { width: 320, height: 180, bitrateKbps: 300 },
      ],
    });
    const counts = [];
    for (const durationSec of [14, 28]) {
      const input = await clip(`segments-${durationSec}.mp4`, { width: 320, height: 180, durationSec });
      const { result, find } = await encodeTimed(input, preset);
      expect(result.variants[0]!.segments).toBeGreaterThanOrEqual(durationSec - 1);
      counts.push(find('done').processes - find('packaging').processes);
    }
    expect(counts[1]).toBe(counts[0]);
    // Images pass, codec strings, and the validator's bounded keyframe samples.
    expect(counts[0]).toBeLessThan(60);
  });
});
