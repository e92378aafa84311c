import type { JobProgress, JobView } from '../../../src/common/api/studio-api';
import type { ErrorCode, StudioErrorData } from '../../../src/common/errors';

/** The first line of a failed row for failures of the input, in the words of someone who dropped a file. */
const INPUT_HEADLINES: Partial<Record<ErrorCode, (name: string) => string>> = {
  FILE_EMPTY: (name) => `${name} is empty (0 bytes): there is nothing to encode`,
  NOT_MEDIA: (name) => `${name} is not a video or audio file ffmpeg can read`,
  TRUNCATED: (name) => `${name} is cut short or damaged: was it still downloading or copying?`,
  NO_MEDIA_STREAMS: (name) => `${name} has no video or audio track to encode`,
  UNDECODABLE: (name) => `${name}: its video or audio could not be decoded`,
  NOT_A_FILE: (name) => `${name} is not a regular file`,
  FILE_NOT_FOUND: (name) => `${name} is no longer where it was added`,
};

/**
 * A failed job's error as a row shows it: a plain headline that names the file the user added, and
 * the machine's words (ffmpeg's reason, its last stderr lines) behind "Details".
 */
export function plainError(error: StudioErrorData, fileName: string): { headline: string; detail?: string } {
  const plain = INPUT_HEADLINES[error.code]?.(fileName);
  const headline =
    plain ?? (error.message.includes(fileName) ? error.message : `${fileName}: ${error.message}`);
  const detail = [plain ? error.message : undefined, error.detail].filter(Boolean).join('\n\n');
  return detail ? { headline, detail } : { headline };
}

/** What packaging does after the last frame is encoded, so "100%" does not look stuck. */
export const PACKAGING_STEPS =
  'comparing rungs with the source, measuring bit rates, writing playlists, validating';

/**
 * What a packaging row says: the comparison of the rungs with the source (minutes on a long film) has a
 * percentage of its own; the steps before and after it do not.
 */
export function packagingStep(progress: JobProgress | undefined): { text: string; percent?: number } {
  const measuring = progress?.measuringRatio;
  if (measuring === undefined) return { text: PACKAGING_STEPS };
  if (measuring < 1)
    return {
      text: `comparing rungs with the source: ${Math.floor(measuring * 100)}%`,
      percent: measuring * 100,
    };
  return { text: 'measuring bit rates, writing playlists, validating' };
}

/** Seconds a job has run (so far, or in all), when it has started. */
export function elapsedSec(job: JobView, now: number): number | undefined {
  if (job.status === 'done' && job.result) return job.result.elapsedSec;
  if (job.startedAt === undefined) return undefined;
  const running = job.status === 'probing' || job.status === 'encoding' || job.status === 'packaging';
  const end = running ? now : job.endedAt;
  return end === undefined ? undefined : Math.max(0, (end - job.startedAt) / 1000);
}

/**
 * When the queue should be empty, in seconds from now: each running job's own ETA, and for each queued
 * one the time a job has taken so far (finished jobs' average, else what the running ones are heading
 * for), spread over `concurrency` slots. Undefined until there is something to go on.
 */
export function queueEtaSec(jobs: JobView[], concurrency: number, now: number): number | undefined {
  const running = jobs.filter(
    (j) => j.status === 'probing' || j.status === 'encoding' || j.status === 'packaging',
  );
  const queued = jobs.filter((j) => j.status === 'queued').length;
  if (running.length === 0 && queued === 0) return undefined;
  const runningEta = running.map((j) => remainingSec(j, now));
  if (runningEta.some((s) => s === undefined)) return undefined;
  const remaining = runningEta as number[];
  if (queued === 0) return Math.max(0, ...remaining);
  const done = jobs.filter((j) => j.status === 'done' && j.result).map((j) => j.result!.elapsedSec);
  const heading = running
    .map((j) => {
      const spent = elapsedSec(j, now);
      const ratio = j.progress?.ratio ?? 0;
      return spent !== undefined && ratio >= 0.05 ? spent / ratio : undefined;
    })
    .filter((s): s is number => s !== undefined);
  const per = average(done) ?? average(heading);
  if (per === undefined) return undefined;
  const slots = Math.max(1, concurrency);
  // Slots free up as running jobs end; queued jobs then take `per` each, `slots` at a time.
  const free = [...remaining, ...Array<number>(Math.max(0, slots - remaining.length)).fill(0)].sort(
    (a, b) => a - b,
  );
  for (let i = 0; i < queued; i++) {
    free[0] = free[0]! + per;
    free.sort((a, b) => a - b);
  }
  return free[free.length - 1];
}

function remainingSec(job: JobView, now: number): number | undefined {
  if (job.status === 'packaging') return 0;
  if (job.progress?.etaSec !== undefined) return job.progress.etaSec;
  const spent = elapsedSec(job, now);
  const ratio = job.progress?.ratio ?? 0;
  return spent !== undefined && ratio >= 0.05 ? (spent / ratio) * (1 - ratio) : undefined;
}

function average(values: number[]): number | undefined {
  return values.length ? values.reduce((a, b) => a + b, 0) / values.length : undefined;
}
