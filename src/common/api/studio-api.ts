import { z } from 'zod';
import type { PackagedVariant } from '../encode-events.js';
import type { ErrorCode, StudioErrorData } from '../errors.js';
import type { SourceInfo } from '../media/source-info.js';
import { PACKAGE_NAME } from '../package-name.js';
import type { Preset, Rung } from '../presets/preset-schema.js';
import type { PerTitleBounds } from '../plan/per-title-ladder.js';
import type { ProbePoint } from '../plan/rate-quality-hull.js';
import type { PublishProgress, PublishSummary } from '../publish/publish-events.js';
import { TARGET_NAME, TARGET_NAME_RULE } from '../publish/publish-target.js';
import type { ValidationReport } from '../validate/validation-report.js';
import { FARM_API_CALLS, type FarmApi, type FarmJobView } from './farm-api.js';

/**
 * The one contract between the UI and the back end. The Electron preload (IPC) and the browser mode
 * (HTTP + WebSocket) both implement it; the renderer only ever talks to this interface. Failures come
 * back as data (`StudioErrorData`), never as stack traces.
 */
export interface StudioApi extends FarmApi {
  /** Built-in presets first (read-only), then the user's, each sorted by name. */
  listPresets(): Promise<PresetEntry[]>;
  /** Validates and saves a user preset (`replaceId`: the id it had, for a rename). Built-ins are read-only. */
  savePreset(request: SavePresetRequest): Promise<PresetEntry>;
  deletePreset(request: PresetRequest): Promise<void>;
  /** Encodes a short excerpt of a job's source with an unsaved preset, outside the queue. One at a time. */
  encodeExcerpt(request: ExcerptRequest): Promise<JobResult>;
  cancelExcerpt(request: Record<string, never>): Promise<void>;
  /**
   * Per-title analysis of a job's source with an unsaved preset (probe encodes, their rate-quality
   * points, the rungs picked on the hull), outside the queue. One at a time; progress as 'per-title' events.
   */
  analyzePerTitle(request: PerTitleRequest): Promise<PerTitleAnalysis>;
  cancelPerTitle(request: Record<string, never>): Promise<void>;
  /** Queue jobs with this preset pick their ladder per title (`--ladder auto`), or use its fixed ladder. */
  setPresetLadder(request: PresetLadderRequest): Promise<void>;
  listJobs(): Promise<JobView[]>;
  /** Queue files the back end can read (paths on its side: uploaded or picked). */
  addJobs(request: AddJobsRequest): Promise<JobView[]>;
  cancelJob(request: JobRequest): Promise<void>;
  retryJob(request: JobRequest): Promise<void>;
  removeJob(request: JobRequest): Promise<void>;
  moveJob(request: MoveJobRequest): Promise<void>;
  setConcurrency(request: ConcurrencyRequest): Promise<void>;
  getSettings(): Promise<StudioSettings>;
  setDefaultPreset(request: PresetRequest): Promise<void>;

  listTargets(): Promise<TargetView[]>;
  /** Saves a target; credentials go one way, into the main process's encrypted store. */
  saveTarget(request: SaveTargetRequest): Promise<TargetView>;
  removeTarget(request: TargetRequest): Promise<void>;
  setDefaultTarget(request: TargetRequest): Promise<void>;
  /** Lists, puts, reads back and deletes a probe object; checks CORS. */
  testTarget(request: TargetRequest): Promise<TargetTestReport>;
  /** Sets the bucket's CORS rules so browsers can play from it. */
  fixCors(request: TargetRequest): Promise<void>;
  /** Where a finished job's package would go (under `name`, default its own) and what it weighs. */
  describePublish(request: PublishJobRequest): Promise<PublishPlan>;
  /** Publishes a finished job's package (again: only what is missing is sent). */
  publishJob(request: PublishJobRequest): Promise<void>;
  cancelPublish(request: JobRequest): Promise<void>;

  listWatchFolders(): Promise<WatchFolderView[]>;
  addWatchFolder(request: AddWatchFolderRequest): Promise<WatchFolderView>;
  removeWatchFolder(request: WatchFolderRequest): Promise<void>;
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

export interface PresetEntry {
  id: string;
  name: string;
  builtIn: boolean;
  preset: Preset;
}

export interface JobProgress {
  ratio: number;
  fps?: number;
  speed?: number;
  etaSec?: number;
  /** While packaging: how far the comparison of every rung with the source has got (0-1). */
  measuringRatio?: number;
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
  /**
   * While the job encodes and packages: its package can be played already (complete VOD playlists from
   * the plan; each segment is served once it exists). The same URLs go on playing the finished package.
   */
  live?: LivePreview;
  /** The job was running when the app stopped (crash, kill); it was queued again on restart. */
  interrupted?: boolean;
  /** Queued by a watch folder (its id). */
  watchFolderId?: string;
  /** Publish this job when it is done (a preset's or a watch folder's auto-publish). */
  autoPublishTarget?: string;
  publish?: PublishView;
  /** When the job was added (ms since the epoch). */
  addedAt: number;
  /** When its latest run started (ms since the epoch): the row's elapsed time counts from here. */
  startedAt?: number;
  /** When its latest run ended (done, failed or cancelled). */
  endedAt?: number;
}

/**
 * Failures that are about the input file itself (empty, not media, cut short, no tracks): running the
 * same job again cannot end differently, so the UI offers no Retry for them.
 */
export const INPUT_ERROR_CODES: readonly ErrorCode[] = [
  'FILE_EMPTY',
  'NOT_MEDIA',
  'NOT_A_FILE',
  'NO_MEDIA_STREAMS',
  'TRUNCATED',
  'UNDECODABLE',
];

/** Could running the job again succeed? False for failures of the input file itself. */
export function retryCanHelp(error: StudioErrorData | undefined): boolean {
  return !error || !INPUT_ERROR_CODES.includes(error.code);
}

export const PUBLISH_STATUSES = ['publishing', 'published', 'failed', 'cancelled', 'interrupted'] as const;
export type PublishStatus = (typeof PUBLISH_STATUSES)[number];

export interface PublishView {
  status: PublishStatus;
  target: string;
  /** The package's name in the store, when the user chose one (a resume keeps it). */
  name?: string;
  progress?: Omit<PublishProgress, 'current'>;
  summary?: PublishSummary;
  error?: StudioErrorData;
  /** The bucket's CORS does not let browsers play from it; `fixCors` can set it. */
  corsProblem?: string;
}

/** A publish before it starts: the destination the panel shows and what will be sent. */
export interface PublishPlan {
  /** The target it resolves to (the default one when none was named). */
  target: string;
  /** The package's name in the store: the path segment before master.m3u8. */
  name: string;
  /** `s3://bucket/prefix/name/` */
  location: string;
  endpoint?: string;
  playbackUrl: string;
  files: number;
  bytes: number;
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
  /** The package folder on the back end's disk (to show, copy, or open). */
  packageDir?: string;
  /** Bytes on disk of each rung, by the variant's `uri`. */
  rungSizes?: Record<string, number>;
}

export interface LivePreview {
  /** Where the UI loads the preview from (ends in '/'): a path on the same origin or the app's protocol. */
  baseUrl: string;
  multivariantPlaylist: string;
}

export interface StudioSettings {
  /** 'desktop': credentials can be saved (encrypted); 'browser': the server's AWS credential chain is used. */
  face: 'desktop' | 'browser';
  concurrency: number;
  defaultPresetId: string;
  defaultTarget?: string;
  credentialStorage: CredentialStorageInfo;
  /** Presets whose queue jobs pick their ladder per title (`--ladder auto`); the others use their rungs. */
  autoLadderPresets?: string[];
}

/** A per-title analysis as the editor shows it: what video.json's `ladder` records, for one source. */
export interface PerTitleAnalysis {
  jobId: string;
  fileName: string;
  /** The analysed source's duration: predicted package sizes are rates × this. */
  durationSec: number;
  windows: { startSec: number; durationSec: number }[];
  points: ProbePoint[];
  top: { kbps: number; reason: 'transparent' | 'flat' | 'preset maximum' };
  /** The chosen rungs, lowest first, with their predicted PSNR (from the hull). */
  rungs: Rung[];
  predictedPsnr: number[];
  bounds: PerTitleBounds;
  elapsedSec: number;
}

export interface CredentialStorageInfo {
  /** Credentials can be saved in the app at all. */
  available: boolean;
  /** Electron's safeStorage backend on Linux (`gnome_libsecret`, `kwallet5`, `basic_text`, …). */
  backend?: string;
  /** Saved secrets would be obfuscated, not encrypted (no keyring): ask before saving. */
  plainText: boolean;
  /** Why credentials cannot be saved, or how they are found instead. */
  note: string;
}

export interface TargetView {
  name: string;
  /** The target's settings as saved (never any secret). */
  target: Record<string, unknown>;
  store: string;
  /** Where `master.m3u8` of a package named `<name>` would be: the URL base players fetch from. */
  publicBaseUrl: string;
  /** Credentials are saved for it in the app's encrypted store. */
  hasCredentials: boolean;
  isDefault: boolean;
  /** Why the saved settings are not usable (validated when listed). */
  problem?: string;
}

/**
 * What would make a failed test step pass, for a face to offer as an action: objects readable by
 * players (an ACL, a bucket policy or a public base URL), other credentials, or the bucket's CORS rules.
 */
export const TARGET_FIXES = ['public-read', 'credentials', 'cors'] as const;
export type TargetFix = (typeof TARGET_FIXES)[number];

export interface TargetTestStep {
  step: 'list' | 'put' | 'get' | 'delete' | 'cors';
  ok: boolean;
  message: string;
  /** The HTTP status the store or the public URL answered a failed step with, when there was one. */
  status?: number;
  fix?: TargetFix;
}

export interface TargetTestReport {
  ok: boolean;
  steps: TargetTestStep[];
  elapsedMs: number;
}

export interface WatchFolderView {
  id: string;
  path: string;
  presetId: string;
  target?: string;
  /** Files seen and queued so far. */
  queued: number;
  /** Why the folder cannot be watched right now (missing, unreadable). */
  problem?: string;
}

export type StudioEvent =
  | { type: 'job'; job: JobView }
  | { type: 'removed'; id: string }
  | { type: 'order'; ids: string[] }
  | { type: 'drained'; done: number; failed: number; cancelled: number }
  | { type: 'excerpt'; state: 'encoding' | 'done' | 'failed' | 'cancelled'; ratio?: number }
  | { type: 'per-title'; state: 'analyzing' | 'done' | 'failed' | 'cancelled'; ratio?: number }
  /** Presets, targets, watch folders or settings changed: refetch that list. */
  | { type: 'changed'; what: 'presets' | 'targets' | 'watch' | 'settings' }
  /** Farm connections changed: refetch them. A job sent to a farm changed (polled), or was forgotten. */
  | { type: 'farms-changed' }
  | { type: 'farm-job'; job: FarmJobView }
  | { type: 'farm-job-removed'; id: string }
  /**
   * From the transport, not the back end: the event stream was lost ('lost'; events may be missing),
   * came back ('restored': refetch everything), or cannot come back ('refused': the server restarted
   * with a new token, so the page must be opened again from the address it printed).
   */
  | { type: 'connection'; state: 'lost' | 'restored' | 'refused' };

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
/** Jobs encoding at once: each already spreads over every core, so more than a few only thrash. */
export const MAX_CONCURRENCY = 8;
export const concurrencyRequest = z.object({ jobs: z.number().int().min(1).max(MAX_CONCURRENCY) }).strict();
export const emptyRequest = z.object({}).strict();
const presetId = z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/);
export const presetRequest = z.object({ id: presetId }).strict();
/** The preset itself is validated by presetSchema in the back end, for messages that name the field. */
export const savePresetRequest = z
  .object({
    preset: z.record(z.string(), z.unknown()),
    replaceId: presetId.optional(),
    /** Replace a user preset of the same id (the user confirmed); a built-in is never replaced. */
    overwrite: z.boolean().optional(),
  })
  .strict();
export const excerptRequest = z
  .object({
    jobId: z.string().regex(/^[a-z0-9-]{1,64}$/),
    preset: z.record(z.string(), z.unknown()),
    startSec: z.number().min(0).max(1e6).optional(),
    durationSec: z.number().min(1).max(60).default(10),
  })
  .strict();
export const perTitleRequest = z
  .object({
    jobId: z.string().regex(/^[a-z0-9-]{1,64}$/),
    /** Validated by presetSchema in the back end, like an excerpt's. */
    preset: z.record(z.string(), z.unknown()),
  })
  .strict();
export const presetLadderRequest = z.object({ id: presetId, ladder: z.enum(['fixed', 'auto']) }).strict();
const targetName = z.string().regex(TARGET_NAME, TARGET_NAME_RULE);
export const targetRequest = z.object({ name: targetName }).strict();
export const saveTargetRequest = z
  .object({
    name: targetName,
    /** Validated by the target schema in the back end (which refuses secret-looking fields). */
    target: z.record(z.string(), z.unknown()),
    replaceName: targetName.optional(),
    credentials: z
      .object({
        accessKeyId: z.string().min(1).max(256),
        secretAccessKey: z.string().min(1).max(1024),
        sessionToken: z.string().min(1).max(4096).optional(),
      })
      .strict()
      .optional(),
    /** The user agreed to store secrets without a keyring (Linux `basic_text`). */
    allowPlainTextStorage: z.boolean().optional(),
    /** Forget credentials saved earlier (use the AWS chain instead). */
    clearCredentials: z.boolean().optional(),
  })
  .strict();
export const publishJobRequest = z
  .object({
    id: z.string().regex(/^[a-z0-9-]{1,64}$/),
    target: targetName.optional(),
    name: z.string().regex(PACKAGE_NAME, 'letters, digits and . _ - (up to 80)').optional(),
  })
  .strict();
export const addWatchFolderRequest = z
  .object({ path: z.string().min(1).max(4096), presetId, target: targetName.optional() })
  .strict();
export const watchFolderRequest = z.object({ id: z.string().regex(/^[a-z0-9-]{1,64}$/) }).strict();

export type AddJobsRequest = z.infer<typeof addJobsRequest>;
export type JobRequest = z.infer<typeof jobRequest>;
export type MoveJobRequest = z.infer<typeof moveJobRequest>;
export type ConcurrencyRequest = z.infer<typeof concurrencyRequest>;
export type PresetRequest = z.infer<typeof presetRequest>;
export type SavePresetRequest = z.infer<typeof savePresetRequest>;
export type ExcerptRequest = z.input<typeof excerptRequest>;
export type PerTitleRequest = z.infer<typeof perTitleRequest>;
export type PresetLadderRequest = z.infer<typeof presetLadderRequest>;
export type TargetRequest = z.infer<typeof targetRequest>;
export type SaveTargetRequest = z.infer<typeof saveTargetRequest>;
export type PublishJobRequest = z.infer<typeof publishJobRequest>;
export type AddWatchFolderRequest = z.infer<typeof addWatchFolderRequest>;
export type WatchFolderRequest = z.infer<typeof watchFolderRequest>;

/** Every call, its request schema: the single list both transports dispatch from. */
export const API_CALLS = {
  listPresets: emptyRequest,
  savePreset: savePresetRequest,
  deletePreset: presetRequest,
  encodeExcerpt: excerptRequest,
  cancelExcerpt: emptyRequest,
  analyzePerTitle: perTitleRequest,
  cancelPerTitle: emptyRequest,
  setPresetLadder: presetLadderRequest,
  listJobs: emptyRequest,
  addJobs: addJobsRequest,
  cancelJob: jobRequest,
  retryJob: jobRequest,
  removeJob: jobRequest,
  moveJob: moveJobRequest,
  setConcurrency: concurrencyRequest,
  getSettings: emptyRequest,
  setDefaultPreset: presetRequest,
  listTargets: emptyRequest,
  saveTarget: saveTargetRequest,
  removeTarget: targetRequest,
  setDefaultTarget: targetRequest,
  testTarget: targetRequest,
  fixCors: targetRequest,
  describePublish: publishJobRequest,
  publishJob: publishJobRequest,
  cancelPublish: jobRequest,
  listWatchFolders: emptyRequest,
  addWatchFolder: addWatchFolderRequest,
  removeWatchFolder: watchFolderRequest,
  ...FARM_API_CALLS,
} as const;
export type ApiCall = keyof typeof API_CALLS;

/** What crosses a transport for one call. */
export type CallResult = { ok: true; value: unknown } | { ok: false; error: StudioErrorData };
