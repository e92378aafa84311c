import { UnrecoverableError, WaitingError, type Job } from 'bullmq';
import { StudioError, toErrorData, type ErrorCode } from '../../common/errors.js';
import { parsePreset, type Preset } from '../../common/presets/preset-schema.js';
import type { StaticCredentials } from '../publish/s3-client.js';
import { loadPreset } from '../presets/preset-store.js';
import { encodeRemote, overallProgress, type RemoteEncodeEvent } from '../remote/remote-encode.js';
import { storeTarget, type StoreChoice } from '../remote/store-target.js';
import {
  parseEncodeJob,
  type EncodeJobData,
  type EncodeJobProgress,
  type EncodeJobResult,
  type FarmJobResult,
  partLabel,
  PARTS_SHARE,
} from './encode-job.js';
import { flowPartsPrefix, runPartJob } from './part-job.js';
import { PartStore, type PartStoreAccess } from './part-store.js';
import { stitchedRun } from './stitch-run.js';

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
  job: Job<unknown, FarmJobResult>,
  token: string | undefined,
  signal: AbortSignal | undefined,
  context: ProcessorContext,
): Promise<FarmJobResult> {
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
  // A stitch job carries on from where its parts left the film's progress (farm-queue.ts partsProgress).
  const report = progressReporter(job, data.part?.kind === 'stitch' ? PARTS_SHARE : 0);
  const started = Date.now();
  const what = data.part ? ` (${partLabel(data)})` : '';
  context.log(
    `job ${job.id}${what}: ${data.input} → ${data.out ?? 'target'} (attempt ${job.attemptsMade + 1})`,
  );
  const access = {
    signal: controller.signal,
    ...(context.env ? { env: context.env } : {}),
    ...(context.credentials ? { credentials: context.credentials } : {}),
  };
  try {
    const kind = data.part?.kind;
    const result: FarmJobResult =
      (kind === 'chunk' || kind === 'film') && data.chunks && data.flowId
        ? await runPartJob(
            {
              data: {
                ...data,
                part: data.part as { kind: 'chunk'; index: number } | { kind: 'film' },
                chunks: data.chunks,
                flowId: data.flowId,
              },
              preset,
              planOptions: planOptionsOf(data),
            },
            { ...access, onEvent: report },
          )
        : await encodeJob(data, preset, access, report, started);
    // The last report may be throttled away: a finished job reads 100%, not the publish's last step.
    await job
      .updateProgress({
        ratio: 1,
        phase: data.part && kind !== 'stitch' ? 'encode' : 'publish',
      } satisfies EncodeJobProgress)
      .catch(() => {});
    context.log(
      'playbackUrl' in result
        ? `job ${job.id}: done in ${result.elapsedSec.toFixed(1)} s → ${result.playbackUrl}`
        : `job ${job.id}: ${result.part} done in ${result.elapsedSec.toFixed(1)} s (${result.files} files in the store)`,
    );
    return result;
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

/**
 * A whole encode (or a chunked film's stitch job, whose media come from its part jobs through the
 * store: stitch-run.ts), published with the publisher. A stitch removes the flow's parts once the
 * package is out.
 */
async function encodeJob(
  data: EncodeJobData,
  preset: Preset,
  access: { signal: AbortSignal; env?: NodeJS.ProcessEnv; credentials?: StaticCredentials },
  report: (event: RemoteEncodeEvent) => void,
  started: number,
): Promise<EncodeJobResult> {
  const store = {
    ...(data.target ? { target: data.target } : {}),
    ...(data.endpoint ? { endpoint: data.endpoint } : {}),
  };
  const stitch =
    data.part?.kind === 'stitch' && data.chunks && data.flowId
      ? await stitchParts(data.out, store, data.flowId, access)
      : undefined;
  try {
    const { result, published } = await encodeRemote(
      {
        input: data.input,
        ...(data.out ? { out: data.out } : {}),
        store,
        ...(data.name ? { name: data.name } : {}),
        preset,
        planOptions: planOptionsOf(data),
        quality: data.options.quality ?? false,
        ...(data.options.ladder ? { ladder: data.options.ladder } : {}),
        ...(data.options.stallTimeoutSec ? { stallTimeoutSec: data.options.stallTimeoutSec } : {}),
        ...(stitch ? { mediaRun: stitchedRun(stitch.store, stitch.prefix, data.chunks!) } : {}),
        // A retry after a crash may find the package half-uploaded: resume it, never refuse it.
        overwrite: true,
      },
      { ...access, onEvent: report },
    );
    if (!published) throw new StudioError('INVALID_ARGUMENT', 'a job must publish to a store');
    // The package is out: the parts are spent (a failure before this keeps them for the retry).
    if (stitch) await stitch.store.remove(stitch.prefix);
    return {
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
  } finally {
    stitch?.store.close();
  }
}

async function stitchParts(
  out: string | undefined,
  store: StoreChoice,
  flowId: string,
  access: PartStoreAccess,
): Promise<{ store: PartStore; prefix: string }> {
  const target = await storeTarget(out, store, access.env ?? process.env);
  return { store: new PartStore(target, access), prefix: flowPartsPrefix(flowId) };
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
function progressReporter(job: Job, from: number): (event: RemoteEncodeEvent) => void {
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
      ratio: Math.round((from + (1 - from) * ratio) * 1000) / 1000,
      phase,
      ...(etaSec === undefined ? {} : { etaSec: Math.round(etaSec) }),
    };
    job.updateProgress(progress).catch(() => {});
  };
}
