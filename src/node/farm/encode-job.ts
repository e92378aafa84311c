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
/** A chunked film (`submit --chunks N`) is a BullMQ flow: part jobs (chunks, film-long part), then a stitch. */
export const PART_JOB = 'part';
export const STITCH_JOB = 'stitch';
/** The parts' share of a chunked film's progress; its stitch job (fetch, package, publish) is the rest. */
export const PARTS_SHARE = 0.8;
/** More windows than this cost more in per-part start-up (download, probe) than they can gain. */
export const MAX_CHUNKS = 64;

const partSchema = z.discriminatedUnion('kind', [
  /** One segment-aligned window of the video, every rung (chunk-plan.ts). */
  z.strictObject({
    kind: z.literal('chunk'),
    index: z
      .number()
      .int()
      .min(0)
      .max(MAX_CHUNKS - 1),
  }),
  /** The film-long part: audio renditions and image frames. */
  z.strictObject({ kind: z.literal('film') }),
  /** Joins the parts, packages, validates and publishes (the flow's parent job). */
  z.strictObject({ kind: z.literal('stitch') }),
]);
export type JobPart = z.output<typeof partSchema>;

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
    /** Above 1: the film is encoded in this many windows by as many jobs, then stitched (a flow). */
    chunks: z.number().int().min(2).max(MAX_CHUNKS).optional(),
    /** Set by `submit` on the jobs of a chunked film: which part this job is, and the flow it belongs to. */
    part: partSchema.optional(),
    flowId: z
      .string()
      .regex(/^[\w.-]{1,100}$/, 'letters, digits, ".", "_" and "-" only')
      .optional(),
    /** Set by `jobs cancel` on an active job; the worker running it stops and fails it for good. */
    cancelRequested: z.string().optional(),
  })
  .refine((job) => job.out !== undefined || job.target !== undefined, {
    message: 'a job needs an output: out (s3://bucket/prefix) or a target',
    path: ['out'],
  })
  .refine((job) => !(job.chunks && job.options.ladder === 'auto'), {
    // Each part job plans on its own machine; a per-title analysis there would be repeated per part.
    message: 'a chunked job takes the fixed ladder: run the per-title analysis without --chunks',
    path: ['chunks'],
  })
  .refine((job) => !job.part || (job.chunks !== undefined && job.flowId !== undefined), {
    message: 'a part of a chunked film needs chunks and flowId',
    path: ['part'],
  });

export type EncodeJobData = z.output<typeof encodeJobSchema>;
export type EncodeJobInput = z.input<typeof encodeJobSchema>;

/** What a finished part job of a chunked film returns through the queue. */
export interface PartJobResult {
  part: string;
  files: number;
  bytes: number;
  encodeSec: number;
  elapsedSec: number;
}

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

export type FarmJobResult = EncodeJobResult | PartJobResult;

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

/** `chunk 3 of 8`, `film-long part`, `stitch of 8 chunks`, for logs and `jobs`. */
export function partLabel(data: { part?: JobPart; chunks?: number }): string {
  const part = data.part;
  if (!part) return 'encode';
  if (part.kind === 'chunk') return `chunk ${part.index + 1} of ${data.chunks}`;
  if (part.kind === 'film') return 'film-long audio';
  return `stitch of ${data.chunks} chunks`;
}
