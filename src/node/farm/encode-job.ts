import { z } from 'zod';
import { SEGMENT_FORMATS, SPEED_PRESETS, VIDEO_CODECS } from '../../common/presets/preset-schema.js';

/** The queue workers pull from, unless told otherwise (`--queue-name`). */
export const DEFAULT_QUEUE_NAME = 'hls-studio-encode';
/** A job's lock lives 30 s (renewed every 15 s); stalled jobs are looked for every 30 s; two stalls fail it. */
export const WORKER_DEFAULTS = { lockDurationMs: 30_000, stalledIntervalMs: 30_000, maxStalledCount: 2 };

export interface RetryPolicy {
  /** Runs of a job before it fails for good (the first one included). */
  attempts: number;
  /** First wait before a retry; doubled at each further one (BullMQ exponential backoff). */
  backoffMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { attempts: 3, backoffMs: 10_000 };

/** BullMQ job name of an encode. */
export const ENCODE_JOB = 'encode';

const storeRef = z.union([z.string().min(1), z.record(z.string(), z.unknown())]);

/**
 * One encode as it travels through the queue: what `submit` adds and what a worker runs with
 * encodeRemote (the same path as `hls-studio encode s3://… --out s3://…`). No secrets: workers take
 * credentials from their own environment (S3_ACCESS_KEY_ID/…, AWS_PROFILE, IAM role).
 */
export const encodeJobSchema = z
  .strictObject({
    /** s3://bucket/key, gs://bucket/key, or a path every worker can read (a shared volume). */
    input: z.string().min(1),
    /** A built-in preset id, a preset file path on the workers, or the preset itself. */
    preset: z.union([z.string().min(1), z.record(z.string(), z.unknown())]),
    /** s3://bucket/prefix or gs://bucket/prefix; without it, the target's own bucket and prefix. */
    out: z
      .string()
      .regex(/^(s3|gs):\/\//i, 'must be an s3:// or gs:// URL')
      .optional(),
    /** A target saved on the workers (by name) or inline (store, endpoint, region, acl, …). */
    target: storeRef.optional(),
    /** S3 API endpoint for an S3-compatible store (MinIO, radosgw). */
    endpoint: z.url().optional(),
    /** The package's name in the store (default: from the input's file name). */
    name: z.string().min(1).optional(),
    options: z
      .strictObject({
        quality: z.boolean().optional(),
        ladder: z.enum(['fixed', 'auto']).optional(),
        segmentDurationSec: z.number().positive().max(60).optional(),
        format: z.enum(SEGMENT_FORMATS).optional(),
        codec: z.enum(VIDEO_CODECS).optional(),
        speedPreset: z.enum(SPEED_PRESETS).optional(),
        crf: z.number().int().min(0).max(51).optional(),
        stallTimeoutSec: z.number().int().positive().optional(),
      })
      .default({}),
    /** Set by `jobs cancel` on an active job; the worker running it stops and fails it for good. */
    cancelRequested: z.string().optional(),
  })
  .refine((job) => job.out !== undefined || job.target !== undefined, {
    message: 'a job needs an output: out (s3://bucket/prefix) or a target',
    path: ['out'],
  });

export type EncodeJobData = z.output<typeof encodeJobSchema>;
export type EncodeJobInput = z.input<typeof encodeJobSchema>;

/** What a finished job returns through the queue. */
export interface EncodeJobResult {
  playbackUrl: string;
  name: string;
  durationSec: number;
  variants: number;
  sizeBytes: number;
  valid: boolean;
  verified: boolean | undefined;
  uploaded: number;
  elapsedSec: number;
}

/** Progress as stored on the job (`job.progress`). */
export interface EncodeJobProgress {
  ratio: number;
  phase: 'download' | 'encode' | 'publish';
  etaSec?: number;
}

/** The job's data validated; the issues in one line, for the job's failed reason. */
export function parseEncodeJob(
  data: unknown,
): { ok: true; job: EncodeJobData } | { ok: false; message: string } {
  const parsed = encodeJobSchema.safeParse(data);
  if (parsed.success) return { ok: true, job: parsed.data };
  return {
    ok: false,
    message: `bad job data: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'job'}: ${i.message}`).join('; ')}`,
  };
}
