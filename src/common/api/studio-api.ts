import { z } from 'zod';
import type { PackagedVariant } from '../encode-events.js';
import type { StudioErrorData } from '../errors.js';
import type { SourceInfo } from '../media/source-info.js';
import type { ValidationReport } from '../validate/validation-report.js';

/**
 * The one contract between the UI and the back end. The Electron preload (IPC) and the browser mode
 * (HTTP + WebSocket) both implement it; the renderer only ever talks to this interface. Failures come
 * back as data (`StudioErrorData`), never as stack traces.
 */
export interface StudioApi {
  listPresets(): Promise<PresetSummary[]>;
  listJobs(): Promise<JobView[]>;
  /** Queue files the back end can read (paths on its side: uploaded or picked). */
  addJobs(request: AddJobsRequest): Promise<JobView[]>;
  cancelJob(request: JobRequest): Promise<void>;
  retryJob(request: JobRequest): Promise<void>;
  removeJob(request: JobRequest): Promise<void>;
  moveJob(request: MoveJobRequest): Promise<void>;
  setConcurrency(request: ConcurrencyRequest): Promise<void>;
  /** Every change of the queue, as it happens. Returns the unsubscribe function. */
  onEvent(listener: (event: StudioEvent) => void): () => void;
}

export const JOB_STATUSES = [
  'queued',
  'probing',
  'encoding',
  'packaging',
  'done',
  'failed',
  'cancelled',
] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

export interface PresetSummary {
  id: string;
  name: string;
  description: string;
  rungs: { width: number; height: number; bitrateKbps: number }[];
}

export interface JobProgress {
  ratio: number;
  fps?: number;
  speed?: number;
  etaSec?: number;
}

export interface JobView {
  id: string;
  fileName: string;
  presetId: string;
  status: JobStatus;
  source?: SourceInfo;
  /** What the plan does to the source ("portrait: rungs rotated", "HDR → SDR tone-map"). */
  notes: string[];
  progress?: JobProgress;
  error?: StudioErrorData;
  result?: JobResult;
}

export interface JobResult {
  /** Where the UI loads the package from (a path on the same origin, or the app's package protocol). */
  baseUrl: string;
  multivariantPlaylist: string;
  variants: PackagedVariant[];
  storyboardVtt?: string;
  poster?: string;
  validation: ValidationReport;
  sizeBytes: number;
  elapsedSec: number;
}

export type StudioEvent =
  | { type: 'job'; job: JobView }
  | { type: 'removed'; id: string }
  | { type: 'order'; ids: string[] }
  | { type: 'drained'; done: number; failed: number; cancelled: number };

// Requests are validated where they enter the back end (IPC handler, HTTP route).
export const addJobsRequest = z
  .object({
    paths: z.array(z.string().min(1).max(4096)).min(1).max(500),
    presetId: z.string().min(1).max(200),
  })
  .strict();
export const jobRequest = z.object({ id: z.string().regex(/^[a-z0-9-]{1,64}$/) }).strict();
export const moveJobRequest = z
  .object({ id: z.string().regex(/^[a-z0-9-]{1,64}$/), toIndex: z.number().int().min(0).max(10_000) })
  .strict();
export const concurrencyRequest = z.object({ jobs: z.number().int().min(1).max(8) }).strict();
export const emptyRequest = z.object({}).strict();

export type AddJobsRequest = z.infer<typeof addJobsRequest>;
export type JobRequest = z.infer<typeof jobRequest>;
export type MoveJobRequest = z.infer<typeof moveJobRequest>;
export type ConcurrencyRequest = z.infer<typeof concurrencyRequest>;

/** Every call, its request schema: the single list both transports dispatch from. */
export const API_CALLS = {
  listPresets: emptyRequest,
  listJobs: emptyRequest,
  addJobs: addJobsRequest,
  cancelJob: jobRequest,
  retryJob: jobRequest,
  removeJob: jobRequest,
  moveJob: moveJobRequest,
  setConcurrency: concurrencyRequest,
} as const;
export type ApiCall = keyof typeof API_CALLS;

/** What crosses a transport for one call. */
export type CallResult = { ok: true; value: unknown } | { ok: false; error: StudioErrorData };
