import { describe, expect, it } from 'vitest';
import { parsePartTimings, summarizeFilm, type FilmRun } from './farm-film.js';

// The note as chunked-run.ts writes it.
const NOTE = 'chunk timings (2 at a time): film-long audio 3.1 s, chunks 9.8/9.6/10.2 s, stitch 0.4 s';

describe('parsePartTimings', () => {
  it('reads the chunked run’s timing note among the others', () => {
    expect(parsePartTimings(['encoded in 3 chunks of 4/4/3 segments', NOTE])).toEqual({
      concurrency: 2,
      filmTrackSec: 3.1,
      chunkSec: [9.8, 9.6, 10.2],
      stitchSec: 0.4,
    });
  });

  it('is undefined for a one-pass run', () => {
    expect(parsePartTimings(['some other note'])).toBeUndefined();
  });
});

describe('summarizeFilm', () => {
  const run = (chunks: number, wallSec: number, cpuSec: number, note?: string): FilmRun => ({
    chunks,
    rep: 0,
    wallSec,
    cpuSec,
    peakTreeRssMiB: 100,
    parts: note ? parsePartTimings([note]) : undefined,
    load: 1,
  });

  it('projects one-pass wall / (longest part + stitch) and the extra CPU of chunking', () => {
    const [one, three] = summarizeFilm([run(1, 30, 50), run(3, 25, 55, NOTE)]);
    expect(one).toMatchObject({ chunks: 1, wallSec: 30 });
    expect(one!.projectedSpeedup).toBeUndefined();
    expect(three!.extraCpuPct).toBeCloseTo(10);
    expect(three!.longestPartSec).toBe(10.2);
    expect(three!.stitchPctOfWall).toBeCloseTo(1.6);
    expect(three!.projectedSpeedup).toBeCloseTo(30 / 10.6);
  });

  it('takes the median of repeated runs', () => {
    const [one] = summarizeFilm([run(1, 30, 50), run(1, 40, 50), run(1, 100, 50)]);
    expect(one!.wallSec).toBe(40);
  });
});
