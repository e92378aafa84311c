import { z } from 'zod';
import { TARGET_NAME, TARGET_NAME_RULE } from '../publish/publish-target.js';

/**
 * The studio's "Farm" target: the calls and views of StudioApi that send queue jobs to a BullMQ farm
 * (src/node/farm) and follow them. Declared here, listed in studio-api.ts's API_CALLS like every call.
 */

/** A farm connection as the renderer sees it: the Redis URL's password is masked, never sent back. */
export interface FarmView {
  name: string;
  /** `redis://host:port/db`, with `***` in place of a password. */
  redisUrl: string;
  queueName: string;
  out: FarmOutput;
  /** A folder the studio can write and every worker reads at the same path (NFS, SMB, a volume). */
  sharedFolder?: string;
  /** A bucket local sources are uploaded to before the job is submitted. */
  inputBucket?: FarmInputBucket;
  /** Local sources cannot be sent: why not. */
  sourceProblem?: string;
}

/** Where the farm's workers publish: an `s3://bucket/prefix` URL, or a saved publish target. */
export type FarmOutput = { url: string } | { target: string };

/**
 * `s3://bucket/prefix` or `gs://bucket/prefix`: a local source goes to `<prefix>/<job id>/<file name>`
 * there, with the store settings and keys of a saved publish target (`target`; by default the one the
 * workers publish to), and the job reads it from that URL.
 */
export interface FarmInputBucket {
  url: string;
  target?: string;
}

/** The phase of a farm job's progress while its source is uploaded to the input bucket. */
export const FARM_UPLOADING = 'uploading';

export interface FarmTestReport {
  ok: boolean;
  message: string;
  /** Workers connected to the queue right now (BullMQ's count of its blocking clients). */
  workers?: number;
  waiting?: number;
  active?: number;
  elapsedMs: number;
}

/**
 * One job sent to a farm, as the queue view shows it. `state` is BullMQ's (waiting, active,
 * waiting-children, completed, failed, …; unknown states are shown as they come), `removed` once it
 * left the queue (cancelled before it ran, or trimmed), or `uploading` while its source goes to the
 * farm's input bucket (progress phase `uploading`), before it is submitted.
 */
export interface FarmJobView {
  id: string;
  farm: string;
  fileName: string;
  presetId: string;
  sentAt: number;
  state: string;
  progress?: { ratio: number; phase?: string; etaSec?: number };
  attemptsMade: number;
  attempts: number;
  failedReason?: string;
  playbackUrl?: string;
  finishedAt?: number;
  /** The farm could not be asked (Redis unreachable): the state shown is the last one known. */
  problem?: string;
}

/**
 * States after which a farm job changes only if someone retries it. `cancelled`: the studio's word for a
 * job removed before it ran, or failed by its worker on a cancel.
 */
export const FARM_FINAL_STATES: readonly string[] = ['completed', 'failed', 'cancelled', 'removed'];

const farmName = z.string().regex(TARGET_NAME, TARGET_NAME_RULE);
const farmJobId = z.string().regex(/^[A-Za-z0-9:_-]{1,100}$/);

/** An `s3://` or `gs://` bucket URL, with or without a prefix. */
export const BUCKET_URL = /^(s3|gs):\/\/[^/\s]+(\/\S*)?$/i;

export const farmRequest = z.object({ name: farmName }).strict();
export const saveFarmRequest = z
  .object({
    name: farmName,
    /** Checked by the back end (parseRedisUrl); `***` as the password keeps the saved one. */
    redisUrl: z.string().min(1).max(2048),
    queueName: z
      .string()
      .regex(/^[A-Za-z0-9._-]{1,100}$/, 'letters, digits and . _ - (up to 100)')
      .optional(),
    out: z.union([
      z.object({ url: z.string().regex(/^s3:\/\/[^/\s]+(\/\S*)?$/i, 'an s3://bucket/prefix URL') }).strict(),
      z.object({ target: z.string().regex(TARGET_NAME, TARGET_NAME_RULE) }).strict(),
    ]),
    sharedFolder: z.string().min(1).max(4096).optional(),
    inputBucket: z
      .object({
        url: z.string().max(2048).regex(BUCKET_URL, 'an s3://bucket/prefix or gs://bucket/prefix URL'),
        target: z.string().regex(TARGET_NAME, TARGET_NAME_RULE).optional(),
      })
      .strict()
      .optional(),
    replaceName: farmName.optional(),
  })
  .strict();
export const sendToFarmRequest = z
  .object({ jobId: z.string().regex(/^[a-z0-9-]{1,64}$/), farm: farmName })
  .strict();
export const farmJobRequest = z.object({ id: farmJobId }).strict();

export type FarmRequest = z.infer<typeof farmRequest>;
export type SaveFarmRequest = z.infer<typeof saveFarmRequest>;
export type SendToFarmRequest = z.infer<typeof sendToFarmRequest>;
export type FarmJobRequest = z.infer<typeof farmJobRequest>;

/** The farm calls of StudioApi. */
export interface FarmApi {
  listFarms(): Promise<FarmView[]>;
  /** Saves a farm connection; its Redis password stays in the back end. */
  saveFarm(request: SaveFarmRequest): Promise<FarmView>;
  removeFarm(request: FarmRequest): Promise<void>;
  /** Reaches the farm's Redis and counts its workers and jobs. */
  testFarm(request: FarmRequest): Promise<FarmTestReport>;
  /**
   * Moves a local queue job (not done yet) to a farm: its source goes through the shared folder or is
   * uploaded to the input bucket first (the call ends once the job is submitted; a failed or cancelled
   * upload leaves the job in the local queue).
   */
  sendToFarm(request: SendToFarmRequest): Promise<FarmJobView>;
  listFarmJobs(): Promise<FarmJobView[]>;
  cancelFarmJob(request: FarmJobRequest): Promise<void>;
  retryFarmJob(request: FarmJobRequest): Promise<void>;
  /** Forgets a finished farm job in the studio (the farm keeps its own record). */
  removeFarmJob(request: FarmJobRequest): Promise<void>;
}

export const FARM_API_CALLS = {
  listFarms: z.object({}).strict(),
  saveFarm: saveFarmRequest,
  removeFarm: farmRequest,
  testFarm: farmRequest,
  sendToFarm: sendToFarmRequest,
  listFarmJobs: z.object({}).strict(),
  cancelFarmJob: farmJobRequest,
  retryFarmJob: farmJobRequest,
  removeFarmJob: farmJobRequest,
} as const;
