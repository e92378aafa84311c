import { mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { JobView } from '../../common/api/studio-api.js';
import { clip, scratchDir } from '../../../test/helpers/clips.js';
import { testPreset } from '../../../test/helpers/encode.js';
import { waitFor } from '../../../test/helpers/wait-for.js';
import { inUserWords, JobQueue } from './job-queue.js';

const TINY = testPreset({
  images: { previewDurationSec: 0, storyboardIntervalSec: 1 },
  rungs: [{ width: 320, height: 180, bitrateKbps: 250 }],
});

const queues: JobQueue[] = [];
afterEach(async () => {
  await Promise.all(queues.splice(0).map((q) => q.close()));
});

async function queueIn(outDir: string, concurrency = 1) {
  const queue = await JobQueue.open({
    outDir,
    packageBaseUrl: '/packages',
    concurrency,
    loadPreset: async () => TINY,
  });
  queues.push(queue);
  return queue;
}

const settled = (queue: JobQueue, ids: string[]) =>
  waitFor(
    async () => {
      const jobs = queue.listJobs().filter((j) => ids.includes(j.id));
      return jobs.every((j) => ['done', 'failed', 'cancelled'].includes(j.status)) ? jobs : undefined;
    },
    'the jobs to finish',
    90_000,
  );

describe('package folders: <out>/<name>/ as the README promises', () => {
  it('the same file twice at once gets <name> and the next free <name>-N; a folder already on disk is never reused', async () => {
    const input = await clip('queue-name.mp4', { width: 320, height: 180, durationSec: 2 });
    const out = path.join(await scratchDir('queue-names-'), 'out');
    await mkdir(path.join(out, 'queue-name-2'), { recursive: true });
    const queue = await queueIn(out, 2);
    const added = await queue.addJobs({ paths: [input, input], presetId: 'tiny' });
    const jobs: JobView[] = await settled(
      queue,
      added.map((j) => j.id),
    );
    expect(jobs.map((j) => j.status)).toEqual(['done', 'done']);
    expect(jobs.map((j) => path.basename(j.result!.packageDir!)).sort()).toEqual([
      'queue-name',
      'queue-name-3',
    ]);
    expect((await readdir(out)).sort()).toEqual(['queue-name', 'queue-name-2', 'queue-name-3']);
    expect(Object.keys(jobs[0]!.result!.rungSizes ?? {})).toHaveLength(1);
    expect(Object.values(jobs[0]!.result!.rungSizes ?? {})[0]).toBeGreaterThan(1000);
    expect(jobs[0]!.startedAt).toBeLessThanOrEqual(jobs[0]!.endedAt!);
  });
});

describe('packaging, step by step', () => {
  it('the comparison with the source reports its percentage, and the live preview sees the media settle first', async () => {
    const input = await clip('queue-measure.mp4', { width: 320, height: 180, durationSec: 3 });
    const out = path.join(await scratchDir('queue-measure-'), 'out');
    const queue = await JobQueue.open({
      outDir: out,
      packageBaseUrl: '/packages',
      liveBaseUrl: '/api/live',
      concurrency: 1,
      loadPreset: async () => TINY,
    });
    queues.push(queue);
    const views: JobView[] = [];
    const liveStates: string[] = [];
    queue.onEvent((e) => {
      if (e.type !== 'job') return;
      views.push(e.job);
      const state = queue.liveJobOf(e.job.id)?.state();
      if (state && liveStates.at(-1) !== state) liveStates.push(state);
    });
    const [added] = await queue.addJobs({ paths: [input], presetId: 'tiny' });
    const [job] = await settled(queue, [added!.id]);
    expect(job!.status).toBe('done');
    const measuring = views
      .filter((v) => v.status === 'packaging' && v.progress?.measuringRatio !== undefined)
      .map((v) => v.progress!.measuringRatio!);
    expect(measuring.length).toBeGreaterThan(0);
    expect(measuring.every((r) => r >= 0 && r <= 1)).toBe(true);
    expect(measuring).toEqual([...measuring].sort((a, b) => a - b));
    // Measuring happens while the media is settled (every segment servable), before the assembly.
    expect(liveStates).toEqual(['encoding', 'packaging', 'settled', 'done']);
  });
});

describe('failures in the user words', () => {
  it('a failed job names the file as it was added, never the folder the back end read it from', async () => {
    const uploads = path.join(await scratchDir('queue-words-'), 'config', 'uploads', 'a499c0ad854b');
    await mkdir(uploads, { recursive: true });
    const input = path.join(uploads, 'holiday notes.mp4');
    await writeFile(input, '');
    const queue = await queueIn(path.join(uploads, '..', '..', 'out'));
    const [job] = await queue.addJobs({ paths: [input], presetId: 'tiny' });
    const [failed] = await settled(queue, [job!.id]);
    expect(failed!.error?.code).toBe('FILE_EMPTY');
    expect(failed!.error?.message).toBe('holiday notes.mp4: is empty (0 bytes)');
    expect(JSON.stringify(failed!.error)).not.toContain('uploads');
  });

  it('inUserWords swaps the path, file: URL included, in message, file and detail', () => {
    expect(
      inUserWords(
        {
          code: 'NOT_MEDIA',
          message: '/u/ab/x.mp4: not media',
          file: '/u/ab/x.mp4',
          detail: 'file:/u/ab/x.mp4: Invalid data found',
        },
        '/u/ab/x.mp4',
        'x.mp4',
      ),
    ).toEqual({
      code: 'NOT_MEDIA',
      message: 'x.mp4: not media',
      file: 'x.mp4',
      detail: 'x.mp4: Invalid data found',
    });
  });
});
