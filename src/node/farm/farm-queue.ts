import { randomUUID } from 'node:crypto';
import { FlowProducer, Queue, type Job, type JobsOptions, type JobState } from 'bullmq';
import type { Redis } from 'ioredis';
import { StudioError } from '../../common/errors.js';
import { parsePreset } from '../../common/presets/preset-schema.js';
import { parseObjectUrl, isRemoteUrl } from '../remote/object-url.js';
import {
  DEFAULT_QUEUE_NAME,
  DEFAULT_RETRY_POLICY,
  ENCODE_JOB,
  PART_JOB,
  STITCH_JOB,
  parseEncodeJob,
  type EncodeJobData,
  type EncodeJobInput,
  type EncodeJobProgress,
  type EncodeJobResult,
  type PartJobResult,
  partLabel,
  PARTS_SHARE,
  type RetryPolicy,
} from './encode-job.js';
import { redisClient } from './redis-client.js';
import type { RedisConnection } from './redis-url.js';

/** A job as `jobs list` shows it. */
export interface JobRow {
  id: string;
  state: JobState | 'unknown';
  input: string;
  out: string;
  /** For the jobs of a chunked film: `chunk 2 of 4`, `film-long audio`, `stitch of 4 chunks`. */
  part?: string;
  progress?: EncodeJobProgress;
  attemptsMade: number;
  attempts: number;
  failedReason?: string;
  result?: EncodeJobResult;
  /** What a finished part job of a chunked film did. */
  partResult?: PartJobResult;
  createdAt: string;
  finishedAt?: string;
}

const LIST_STATES: JobState[] = [
  'active',
  'waiting',
  'waiting-children',
  'prioritized',
  'delayed',
  'failed',
  'completed',
];

/** The queue of encode jobs, as `submit` and `jobs` use it. */
export class FarmQueue {
  readonly queue: Queue;
  private readonly client: Redis;

  constructor(connection: RedisConnection, queueName = DEFAULT_QUEUE_NAME) {
    // No endless retries here: a CLI command facing a dead Redis should say so, not hang.
    this.client = redisClient(connection, 'command');
    this.client.on('error', () => {});
    this.queue = new Queue(queueName, { connection: this.client });
    this.queue.on('error', () => {});
  }

  /**
   * Validates and adds an encode job; returns its id. With `chunks`, the film becomes a BullMQ flow: a
   * stitch job (the returned id) waiting on one part job per window and one for the film-long audio and
   * images, each retried on its own; a part that fails for good fails the stitch.
   */
  async submit(
    data: EncodeJobInput,
    policy: RetryPolicy = DEFAULT_RETRY_POLICY,
    jobId?: string,
  ): Promise<string> {
    const parsed = parseEncodeJob(data);
    if (!parsed.ok) throw new StudioError('INVALID_ARGUMENT', parsed.message);
    if (isRemoteUrl(parsed.job.input)) parseObjectUrl(parsed.job.input);
    if (typeof parsed.job.preset !== 'string') {
      const preset = parsePreset(parsed.job.preset);
      if (!preset.ok) throw new StudioError('PRESET_INVALID', `inline preset: ${preset.issues.join('; ')}`);
    }
    if (parsed.job.part)
      throw new StudioError('INVALID_ARGUMENT', 'parts are made by submit, not given to it');
    await this.connected();
    const opts: JobsOptions = {
      attempts: policy.attempts,
      backoff: { type: 'exponential', delay: policy.backoffMs },
      removeOnComplete: { count: 1000 },
      removeOnFail: { count: 5000 },
    };
    if (parsed.job.chunks) return this.submitFlow(parsed.job, parsed.job.chunks, opts, jobId);
    const job = await this.queue.add(ENCODE_JOB, parsed.job, { ...opts, ...(jobId ? { jobId } : {}) });
    return job.id!;
  }

  private async submitFlow(
    data: EncodeJobData,
    chunks: number,
    opts: JobsOptions,
    jobId: string | undefined,
  ): Promise<string> {
    const flowId = jobId ?? randomUUID();
    const flows = new FlowProducer({ connection: this.client });
    flows.on('error', () => {});
    const child = (part: EncodeJobData['part'], id: string) => ({
      name: PART_JOB,
      queueName: this.queue.name,
      data: { ...data, part, flowId },
      opts: { ...opts, jobId: `${flowId}-${id}`, failParentOnFailure: true },
    });
    try {
      await flows.add({
        name: STITCH_JOB,
        queueName: this.queue.name,
        data: { ...data, part: { kind: 'stitch' }, flowId },
        opts: { ...opts, jobId: flowId },
        children: [
          child({ kind: 'film' }, 'film'),
          ...Array.from({ length: chunks }, (_, index) => child({ kind: 'chunk', index }, `chunk-${index}`)),
        ],
      });
    } finally {
      await flows.close();
    }
    return flowId;
  }

  async list(limit = 50): Promise<JobRow[]> {
    await this.connected();
    const jobs = await this.queue.getJobs(LIST_STATES, 0, limit - 1, false);
    return Promise.all(jobs.map((job) => rowOf(job, this.queue)));
  }

  /** One job's row, or undefined when there is no such job (any more). */
  async row(id: string): Promise<JobRow | undefined> {
    await this.connected();
    const job = await this.queue.getJob(id);
    return job ? rowOf(job, this.queue) : undefined;
  }

  /**
   * A job not yet running is removed; a running one is marked, and its worker stops it (within a couple
   * of seconds) and fails it without retries. Finished jobs cannot be cancelled.
   */
  async cancel(id: string): Promise<'removed' | 'stopping'> {
    const job = await this.job(id);
    const state = await job.getState();
    if (state === 'active') {
      await job.updateData({ ...(job.data as object), cancelRequested: new Date().toISOString() });
      return 'stopping';
    }
    if (state === 'completed' || state === 'failed')
      throw new StudioError('INVALID_ARGUMENT', `job ${id} is already ${state}`);
    if (state === 'waiting-children') return this.cancelFlow(job);
    await job.remove();
    return 'removed';
  }

  /**
   * A chunked film still encoding: its parts not yet started are removed, the running ones stopped
   * (cancelled for good, which fails the stitch job with them); the stitch is marked so that, should it
   * still start, it stops at once.
   */
  private async cancelFlow(parent: Job): Promise<'removed' | 'stopping'> {
    const marked = { ...(parent.data as object), cancelRequested: new Date().toISOString() };
    await parent.updateData(marked);
    let running = 0;
    let cursor: number | undefined;
    do {
      const deps = await parent.getDependencies({ unprocessed: { cursor: cursor ?? 0, count: 100 } });
      for (const key of deps.unprocessed ?? []) {
        const child = await this.queue.getJob(key.split(':').pop()!);
        if (!child) continue;
        const state = await child.getState();
        if (state === 'active') {
          await child.updateData({ ...(child.data as object), cancelRequested: marked.cancelRequested });
          running++;
        } else if (state !== 'completed' && state !== 'failed') await child.remove().catch(() => {});
      }
      cursor = deps.nextUnprocessedCursor || undefined;
    } while (cursor);
    if (running > 0) return 'stopping';
    await parent.remove();
    return 'removed';
  }

  /** A failed (or completed) job runs again, with its attempts counted from zero. */
  async retry(id: string): Promise<void> {
    const job = await this.job(id);
    const state = await job.getState();
    if (state !== 'failed' && state !== 'completed')
      throw new StudioError(
        'INVALID_ARGUMENT',
        `job ${id} is ${state}: only failed or completed jobs can be retried`,
      );
    const { cancelRequested: _dropped, ...data } = job.data as Record<string, unknown>;
    await job.updateData(data);
    await job.retry(state, { resetAttemptsMade: true, resetAttemptsStarted: true });
  }

  async close(): Promise<void> {
    await this.queue.close();
    this.client.disconnect();
  }

  private async job(id: string) {
    await this.connected();
    const job = await this.queue.getJob(id);
    if (!job) throw new StudioError('INVALID_ARGUMENT', `no job ${id} in queue ${this.queue.name}`);
    return job;
  }

  private async connected(): Promise<void> {
    try {
      await this.queue.waitUntilReady();
    } catch (error) {
      throw new StudioError('IO_ERROR', `cannot reach the queue's Redis: ${(error as Error).message}`);
    }
  }
}

async function rowOf(snapshot: Job, queue: Queue): Promise<JobRow> {
  const state = (await snapshot.getState()) as JobRow['state'];
  // The job's fields were read before its state: one that finished in between is read again, or a
  // completed row would have no result and a failed one no reason.
  const finished = state === 'completed' || state === 'failed';
  const job = finished && !snapshot.finishedOn ? ((await queue.getJob(snapshot.id!)) ?? snapshot) : snapshot;
  const data = job.data as Partial<EncodeJobData>;
  const failedReason = job.failedReason && (await partFailure(job.failedReason, queue));
  const progress =
    state === 'waiting-children'
      ? await partsProgress(job, queue)
      : typeof job.progress === 'object'
        ? (job.progress as unknown as EncodeJobProgress)
        : undefined;
  return {
    id: job.id!,
    state,
    input: data.input ?? '?',
    out: data.out ?? (typeof data.target === 'string' ? `target ${data.target}` : 'target'),
    ...(data.part ? { part: partLabel(data) } : {}),
    ...(progress ? { progress } : {}),
    attemptsMade: job.attemptsMade,
    attempts: job.opts.attempts ?? 1,
    ...(failedReason ? { failedReason } : {}),
    ...(job.returnvalue
      ? data.part && data.part.kind !== 'stitch'
        ? { partResult: job.returnvalue as PartJobResult }
        : { result: job.returnvalue as EncodeJobResult }
      : {}),
    createdAt: new Date(job.timestamp).toISOString(),
    ...(job.finishedOn ? { finishedAt: new Date(job.finishedOn).toISOString() } : {}),
  };
}

/**
 * BullMQ fails a flow's parent with "child bull:<queue>:<id> failed"; the user wants the part and its
 * own reason: "chunk 2 of 4 failed: NOT_MEDIA: …".
 */
async function partFailure(reason: string, queue: Queue): Promise<string> {
  const child = /^child \S*?([^:\s]+) failed$/.exec(reason)?.[1];
  const job = child ? await queue.getJob(child).catch(() => undefined) : undefined;
  if (!job?.failedReason) return reason;
  return `${partLabel(job.data as Partial<EncodeJobData>)} failed: ${job.failedReason}`;
}

/**
 * A chunked film while its parts run: the share of its parts done (finished ones whole, running ones by
 * their own progress), as the part of the whole job the parts are (the stitch and publish come after).
 */
async function partsProgress(parent: Job, queue: Queue): Promise<EncodeJobProgress | undefined> {
  const counts = await parent.getDependenciesCount({ processed: true, unprocessed: true });
  const done = counts.processed ?? 0;
  const total = done + (counts.unprocessed ?? 0);
  if (total === 0) return undefined;
  const deps = await parent.getDependencies({ unprocessed: { count: 100 } });
  let running = 0;
  for (const key of deps.unprocessed ?? []) {
    const child = await queue.getJob(key.split(':').pop()!).catch(() => undefined);
    const p = child?.progress as Partial<EncodeJobProgress> | undefined;
    if (typeof p === 'object' && typeof p.ratio === 'number') running += p.ratio;
  }
  return { ratio: Math.round(((done + running) / total) * PARTS_SHARE * 1000) / 1000, phase: 'encode' };
}
