import { describe, expect, it } from 'vitest';
import type { JobView } from '../../../src/common/api/studio-api';
import { elapsedSec, PACKAGING_STEPS, packagingStep, plainError, queueEtaSec } from './job-row-text';

const job = (over: Partial<JobView>): JobView => ({
  id: 'a1',
  fileName: 'clip.mp4',
  presetId: 'p',
  status: 'queued',
  addedAt: 0,
  notes: [],
  ...over,
});
const done = (elapsed: number) =>
  job({
    status: 'done',
    result: {
      baseUrl: '/',
      multivariantPlaylist: 'master.m3u8',
      variants: [],
      validation: {
        target: 'x',
        valid: true,
        mustFailures: 0,
        shouldFailures: 0,
        results: [],
        checkedAt: '',
      },
      sizeBytes: 1,
      elapsedSec: elapsed,
    },
  });

describe('plainError', () => {
  it('input failures get a plain headline naming the file; the machine words go to the detail', () => {
    expect(
      plainError(
        {
          code: 'TRUNCATED',
          message: 'x.mp4: the file is truncated (moov atom not found)',
          detail: 'stderr',
        },
        'x.mp4',
      ),
    ).toEqual({
      headline: 'x.mp4 is cut short or damaged: was it still downloading or copying?',
      detail: 'x.mp4: the file is truncated (moov atom not found)\n\nstderr',
    });
  });

  it('other failures keep their message, prefixed with the file name when it is missing', () => {
    expect(
      plainError({ code: 'FFMPEG_STALLED', message: 'ffmpeg made no progress for 60 s' }, 'x.mp4'),
    ).toEqual({
      headline: 'x.mp4: ffmpeg made no progress for 60 s',
    });
  });
});

describe('elapsedSec and queueEtaSec', () => {
  it('a running job counts from its start; a finished one from its start to its end', () => {
    expect(elapsedSec(job({ status: 'encoding', startedAt: 1000 }), 31_000)).toBe(30);
    expect(elapsedSec(job({ status: 'failed', startedAt: 1000, endedAt: 6000 }), 99_000)).toBe(5);
    expect(elapsedSec(done(42), 0)).toBe(42);
    expect(elapsedSec(job({}), 0)).toBeUndefined();
  });

  it('an idle queue has no ETA; running jobs alone end with the slowest', () => {
    expect(queueEtaSec([done(10)], 1, 0)).toBeUndefined();
    expect(
      queueEtaSec(
        [
          job({ status: 'encoding', progress: { ratio: 0.5, etaSec: 20 } }),
          job({ id: 'b', status: 'encoding', progress: { ratio: 0.5, etaSec: 50 } }),
        ],
        2,
        0,
      ),
    ).toBe(50);
  });

  it('queued jobs take what finished jobs took, one slot at a time', () => {
    const jobs = [
      done(30),
      job({ id: 'r', status: 'encoding', progress: { ratio: 0.5, etaSec: 10 } }),
      job({ id: 'q1' }),
      job({ id: 'q2' }),
    ];
    expect(queueEtaSec(jobs, 1, 0)).toBe(70);
    // Two slots: q1 starts now (ends at 30), q2 when r ends at 10 (ends at 40).
    expect(queueEtaSec(jobs, 2, 0)).toBe(40);
  });

  it('with nothing finished yet, queued jobs take what the running one is heading for', () => {
    const jobs = [
      job({ id: 'r', status: 'encoding', startedAt: 0, progress: { ratio: 0.25, etaSec: 30 } }),
      job({ id: 'q' }),
    ];
    expect(queueEtaSec(jobs, 1, 10_000)).toBe(70);
    expect(
      queueEtaSec([job({ status: 'probing', startedAt: 0 }), job({ id: 'q' })], 1, 1000),
    ).toBeUndefined();
  });
});

describe('packagingStep', () => {
  it('has a percentage only while the rungs are compared with the source', () => {
    expect(packagingStep({ ratio: 1 })).toEqual({ text: PACKAGING_STEPS });
    expect(packagingStep({ ratio: 1, measuringRatio: 0 })).toEqual({
      text: 'comparing rungs with the source: 0%',
      percent: 0,
    });
    expect(packagingStep({ ratio: 1, measuringRatio: 0.999 }).text).toBe(
      'comparing rungs with the source: 99%',
    );
    expect(packagingStep({ ratio: 1, measuringRatio: 1 })).toEqual({
      text: 'measuring bit rates, writing playlists, validating',
    });
  });
});
