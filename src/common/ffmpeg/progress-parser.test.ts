import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  createEtaEstimator,
  createProgressParser,
  estimateProgress,
  type FfmpegProgress,
} from './progress-parser.js';

// Captured `-progress pipe:1` of a real 8 s, two-rung HLS encode (ffmpeg 5.1).
const captured = readFileSync(
  new URL('../../../test/fixtures/ffmpeg/progress-hls-2rungs.txt', import.meta.url),
  'utf8',
);

function parseAll(chunks: string[]): FfmpegProgress[] {
  const blocks: FfmpegProgress[] = [];
  const parser = createProgressParser((p) => blocks.push(p));
  for (const c of chunks) parser.push(c);
  return blocks;
}

describe('progress parser on captured ffmpeg output', () => {
  it('gives one block per progress= line, ending with end', () => {
    const blocks = parseAll([captured]);
    expect(blocks).toHaveLength(6);
    expect(blocks.at(-1)).toMatchObject({ end: true, outTimeSec: 8 });
    expect(blocks.slice(0, -1).every((b) => !b.end)).toBe(true);
  });

  it('reads speed "3.93x" as 3.93 and out_time_us as seconds, rising', () => {
    const blocks = parseAll([captured]);
    expect(blocks.at(-2)).toMatchObject({ speed: 3.93, outTimeSec: 7.957333 });
    const times = blocks.map((b) => b.outTimeSec);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
  });

  it('gives the same blocks whatever the chunking (split mid-line, one byte at a time)', () => {
    expect(parseAll(captured.split(''))).toEqual(parseAll([captured]));
  });

  it('treats N/A as unknown, not zero', () => {
    const [block] = parseAll(['frame=0\nfps=0.00\nout_time_us=N/A\nspeed=N/A\nprogress=continue\n']);
    expect(block).toMatchObject({ outTimeSec: 0, speed: undefined, frame: 0 });
  });
});

describe('estimateProgress', () => {
  it('ratio of the duration and ETA at the current speed', () => {
    expect(estimateProgress({ outTimeSec: 5, speed: 2.5, end: false }, 10)).toEqual({
      ratio: 0.5,
      etaSec: 2,
    });
  });
  it('end is 100%, unknown duration is 0% without ETA', () => {
    expect(estimateProgress({ outTimeSec: 3, end: true }, 10)).toEqual({ ratio: 1, etaSec: 0 });
    expect(estimateProgress({ outTimeSec: 3, end: false }, 0)).toEqual({ ratio: 0 });
  });
  it('never exceeds 1 when the output runs past the probed duration', () => {
    expect(estimateProgress({ outTimeSec: 12, speed: 1, end: false }, 10).ratio).toBe(1);
  });
});

describe('createEtaEstimator', () => {
  it('follows the recent pace: after a slow start the ETA comes from the last minute, not the average', () => {
    const eta = createEtaEstimator(600);
    // 10 s of start-up at 0.2x, then a steady 1x.
    eta(0, 0);
    eta(10, 2);
    let last: number | undefined;
    for (let wall = 20; wall <= 120; wall += 10) last = eta(wall, 2 + (wall - 10));
    // 112 s of media done, 488 left, at 1x: 488 s (ffmpeg's average speed would say ~523 s).
    expect(last).toBeCloseTo(488, 0);
  });

  it('says nothing until it has a few seconds of history or when nothing moved', () => {
    const eta = createEtaEstimator(100);
    expect(eta(0, 0)).toBeUndefined();
    expect(eta(2, 1)).toBeUndefined();
    expect(eta(10, 0)).toBeUndefined();
  });
});
