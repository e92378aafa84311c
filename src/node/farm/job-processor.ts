import { UnrecoverableError, WaitingError, type Job } from 'bullmq';
import { StudioError, toErrorData, type ErrorCode } from '../../common/errors.js';
import { parsePreset, type Preset } from '../../common/presets/preset-schema.js';
import type { StaticCredentials } from '../publish/s3-client.js';
import { loadPreset } from '../presets/preset-store.js';
import { encodeRemote, overallProgress, type RemoteEncodeEvent } from '../remote/remote-encode.js';
import {
  parseEncodeJob,
  type EncodeJobData,
  type EncodeJobProgress,
  type EncodeJobResult,
} from './encode-job.js';

/** Failures that another attempt cannot mend: the job itself is wrong. Everything else is retried. */
const PERMANENT: ReadonlySet<ErrorCode> = new Set(['INVALID_ARGUMENT', 'PRESET_NOT_FOUND', 'PRESET_INVALID']);
const PROGRESS_EVERY_MS = 1000;

export interface ProcessorContext {
  env?: NodeJS.ProcessEnv;
  credentials?: StaticCredentials;
  log: (line: string) => void;
  /** True once the worker is handing its jobs back (SIGTERM past the grace period). */
  handingBack: () => boolean;
  /** Whether someone asked (`jobs cancel`) to stop this job; polled while it runs. */
  cancelRequested: (jobId: string) => Promise<boolean>;
}

/**
 * Runs one encode job with the engine (encodeRemote, as `hls-studio encode s3://… --out s3://…` does),
 * reports its progress on the job and returns the playback URL and a summary. A hand-back (shutdown)
 * puts the job back in the wait list without spending an attempt; a cancel fails it for good.
 */
export async function processEncodeJob(
  job: Job<unknown, EncodeJobResult>,
  token: string | undefined,
  signal: AbortSignal | undefined,
  context: ProcessorContext,
): Promise<EncodeJobResult> {
  const parsed = parseEncodeJob(job.data);
  if (!parsed.ok) throw new UnrecoverableError(parsed.message);
  const data = parsed.job;
  if (data.cancelRequested) throw new UnrecoverableError(`CANCELLED: cancelled at ${data.cancelRequested}`);
  const preset = await presetFor(data);

  const controller = new AbortController();
  const onAbort = () => controller.abort(signal?.reason);
  signal?.addEventListener('abort', onAbort, { once: true });
  let cancelled = false;
  const poll = setInterval(() => {
    void context.cancelRequested(job.id!).then(
      (yes) => {
        if (yes && !cancelled) {
          cancelled = true;
          controller.abort(new Error('cancelled'));
        }
      },
      () => {},
    );
  }, 2000);
  const report = progressReporter(job);
  const started = Date.now();
  context.log(`job ${job.id}: ${data.input} → ${data.out ?? 'target'} (attempt ${job.attemptsMade + 1})`);
  try {
    const { result, published } = await encodeRemote(
      {
        input: data.input,
        ...(data.out ? { out: data.out } : {}),
        store: {
          ...(data.target ? { target: data.target } : {}),
          ...(data.endpoint ? { endpoint: data.endpoint } : {}),
        },
        ...(data.name ? { name: data.name } : {}),
        preset,
        planOptions: planOptionsOf(data),
        quality: data.options.quality ?? false,
        ...(data.options.ladder ? { ladder: data.options.ladder } : {}),
        ...(data.options.stallTimeoutSec ? { stallTimeoutSec: data.options.stallTimeoutSec } : {}),
        // A retry after a crash may find the package half-uploaded: resume it, never refuse it.
        overwrite: true,
      },
      {
        signal: controller.signal,
        ...(context.env ? { env: context.env } : {}),
        ...(context.credentials ? { credentials: context.credentials } : {}),
        onEvent: report,
      },
    );
    if (!published) throw new StudioError('INVALID_ARGUMENT', 'a job must publish to a store');
    const summary: EncodeJobResult = {
      playbackUrl: published.playbackUrl,
      name: result.packageDir.split(/[\\/]/).pop() ?? '',
      durationSec: result.durationSec,
      variants: result.variants.length,
      sizeBytes: result.sizeBytes,
      valid: result.validation.valid,
      verified: published.verification?.ok,
      uploaded: published.uploaded,
      elapsedSec: (Date.now() - started) / 1000,
    };
    // The last report may be throttled away: a finished job reads 100%, not the publish's last step.
    await job.updateProgress({ ratio: 1, phase: 'publish' } satisfies EncodeJobProgress).catch(() => {});
    context.log(`job ${job.id}: done in ${summary.elapsedSec.toFixed(1)} s → ${summary.playbackUrl}`);
    return summary;
  } catch (error) {
    if (context.handingBack() && !cancelled) {
      context.log(`job ${job.id}: handed back to the queue (shutting down)`);
      await job.moveToWait(token);
      throw new WaitingError();
    }
    const data = toErrorData(error);
    const reason = `${cancelled ? 'CANCELLED' : data.code}: ${cancelled ? 'cancelled by `hls-studio jobs cancel`' : data.message}`;
    context.log(`job ${job.id}: failed: ${reason}`);
    if (cancelled || PERMANENT.has(data.code)) throw new UnrecoverableError(reason);
    throw new Error(reason, { cause: error });
  } finally {
    clearInterval(poll);
    signal?.removeEventListener('abort', onAbort);
  }
}

async function presetFor(data: EncodeJobData): Promise<Preset> {
  if (typeof data.preset === 'string') {
    try {
      return await loadPreset(data.preset);
    } catch (error) {
      throw new UnrecoverableError(`${toErrorData(error).code}: ${toErrorData(error).message}`);
    }
  }
  const parsed = parsePreset(data.preset);
  if (!parsed.ok) throw new UnrecoverableError(`PRESET_INVALID: ${parsed.issues.join('; ')}`);
  return parsed.preset;
}

function planOptionsOf(data: EncodeJobData) {
  const o = data.options;
  return {
    ...(o.segmentDurationSec ? { segmentDurationSec: o.segmentDurationSec } : {}),
    ...(o.format ? { format: o.format } : {}),
    ...(o.codec ? { codec: o.codec } : {}),
    ...(o.speedPreset ? { speedPreset: o.speedPreset } : {}),
    ...(o.crf === undefined ? {} : { crf: o.crf }),
  };
}

/** job.updateProgress at most once a second and at each new phase; a Redis outage only skips updates. */
function progressReporter(job: Job): (event: RemoteEncodeEvent) => void {
  let ratio = 0;
  let last = 0;
  let lastPhase: EncodeJobProgress['phase'] | undefined;
  return (event) => {
    ratio = overallProgress(event, ratio);
    const phase =
      event.type === 'download'
        ? 'download'
        : event.type === 'publish'
          ? 'publish'
          : event.type === 'encode'
            ? 'encode'
            : undefined;
    if (!phase) return;
    const now = Date.now();
    if (phase === lastPhase && now - last < PROGRESS_EVERY_MS) return;
    last = now;
    lastPhase = phase;
    const etaSec =
      event.type === 'encode' && event.event.type === 'progress' ? event.event.etaSec : undefined;
    const progress: EncodeJobProgress = {
      ratio: Math.round(ratio * 1000) / 1000,
      phase,
      ...(etaSec === undefined ? {} : { etaSec: Math.round(etaSec) }),
    };
    job.updateProgress(progress).catch(() => {});
  };
}
