// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import type { JobView } from '../../../src/common/api/studio-api';
import { jobsAtOnce } from './app-header';
import { queueNotice } from './queue-notice';
import { APP_TITLE, queueTitle } from './queue-title';

const job = (status: JobView['status'], extra: Partial<JobView> = {}): JobView => ({
  id: Math.random().toString(36).slice(2),
  fileName: 'a.mp4',
  presetId: 'web-compact',
  status,
  notes: [],
  addedAt: 0,
  ...extra,
});

describe('queueTitle', () => {
  it('is the plain name when nothing runs, waits or publishes', () => {
    expect(queueTitle([])).toBe(APP_TITLE);
    expect(queueTitle([job('done'), job('failed'), job('cancelled')])).toBe(APP_TITLE);
  });

  it('averages the running encodes, packaging counting as 100%', () => {
    const jobs = [
      job('encoding', { progress: { ratio: 0.34 } }),
      job('packaging'),
      job('queued'),
      job('done', { publish: { status: 'publishing', target: 'cdn' } }),
    ];
    expect(queueTitle(jobs)).toBe('67% · 2 encoding · 1 waiting · 1 publishing — HLS Studio');
  });

  it('a probing job is running at 0%', () => {
    expect(queueTitle([job('probing')])).toBe('0% · 1 encoding — HLS Studio');
  });
});

describe('jobsAtOnce', () => {
  it('clamps to 1..8 and refuses text that is not a number', () => {
    expect(jobsAtOnce(99)).toBe(8);
    expect(jobsAtOnce('0')).toBe(1);
    expect(jobsAtOnce(3)).toBe(3);
    expect(jobsAtOnce('')).toBeUndefined();
    expect(jobsAtOnce('x')).toBeUndefined();
  });
});

describe('queueNotice', () => {
  it('says what happened, failures in the title', () => {
    expect(queueNotice({ done: 3, failed: 0, cancelled: 0 })).toEqual({
      title: 'Queue finished',
      body: '3 done',
    });
    expect(queueNotice({ done: 1, failed: 2, cancelled: 1 })).toEqual({
      title: 'Queue finished, with failures',
      body: '1 done, 2 failed, 1 cancelled',
    });
  });
});
