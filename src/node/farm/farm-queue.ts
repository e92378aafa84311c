import { Queue, type Job, type JobState } from 'bullmq';
import type { Redis } from 'ioredis';
import { StudioError } from '../../common/errors.js';
import { parsePreset } from '../../common/presets/preset-schema.js';
import { parseObjectUrl, isRemoteUrl } from '../remote/object-url.js';
import {
  DEFAULT_QUEUE_NAME,
  DEFAULT_RETRY_POLICY,
  ENCODE_JOB,
  parseEncodeJob,
  type EncodeJobInput,
  type EncodeJobProgress,
  type EncodeJobResult,
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
  progress?: EncodeJobProgress;
  attemptsMade: number;
  attempts: number;
  failedReason?: string;
  result?: EncodeJobResult;
  createdAt: string;
  finishedAt?: string;
}

const LIST_STATES: JobState[] = ['active', 'waiting', 'prioritized', 'delayed', 'failed', 'completed'];

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

  /** Validates and adds an encode job; returns its id. */
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
    await this.connected();
    const job = await this.queue.add(ENCODE_JOB, parsed.job, {
      attempts: policy.attempts,
      backoff: { type: 'exponential', delay: policy.backoffMs },
      removeOnComplete: { count: 1000 },
      removeOnFail: { count: 5000 },
      ...(jobId ? { jobId } : {}),
    });
    return job.id!;
  }

  async list(limit = 50): Promise<JobRow[]> {
    await this.connected();
    const jobs = await this.queue.getJobs(LIST_STATES, 0, limit - 1, false);
    return Promise.all(jobs.map((job) => rowOf(job)));
  }

  /** One job's row, or undefined when there is no such job (any more). */
  async row(id: string): Promise<JobRow | undefined> {
    await this.connected();
    const job = await this.queue.getJob(id);
    return job ? rowOf(job) : undefined;
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
    await job.remove();
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

async function rowOf(job: Job): Promise<JobRow> {
  const data = job.data as { input?: string; out?: string; target?: unknown };
  return {
    id: job.id!,
    state: (await job.getState()) as JobRow['state'],
    input: data.input ?? '?',
    out: data.out ?? (typeof data.target === 'string' ? `target ${data.target}` : 'target'),
    ...(typeof job.progress === 'object' ? { progress: job.progress as unknown as EncodeJobProgress } : {}),
    attemptsMade: job.attemptsMade,
    attempts: job.opts.attempts ?? 1,
    ...(job.failedReason ? { failedReason: job.failedReason } : {}),
    ...(job.returnvalue ? { result: job.returnvalue as EncodeJobResult } : {}),
    createdAt: new Date(job.timestamp).toISOString(),
    ...(job.finishedOn ? { finishedAt: new Date(job.finishedOn).toISOString() } : {}),
  };
}
