import { setMaxListeners } from 'node:events';
import { StudioError } from '../../common/errors.js';
import { DEFAULT_RETRY } from '../../common/publish/backoff.js';
import { embedSnippet } from '../../common/publish/embed-snippet.js';
import { headerPolicy } from '../../common/publish/object-headers.js';
import type { PublishPlan } from '../../common/api/studio-api.js';
import type { PublishEvent, PublishSummary } from '../../common/publish/publish-events.js';
import { parseTarget } from '../../common/publish/publish-target.js';
import { storePreset } from '../../common/publish/store-presets.js';
import { readLocalPackage } from './local-package.js';
import type { PublishOptions } from './publisher.js';
import { publisherFor } from './publishers.js';
import { verifyRemote } from './remote-verify.js';
import type { S3PublisherDeps } from './s3-publisher.js';
import { PACKAGE_NAMES } from '../../common/package/package-layout.js';
import { packageNameProblem } from '../../common/package-name.js';

export interface PublishRequest {
  packageDir: string;
  /** The package's name in the store (default: its folder's name); see PACKAGE_NAME. */
  name?: string;
  /** A target as saved or given inline (validated here; see `s3TargetSchema`). */
  target: unknown;
  options?: Partial<PublishOptions> & {
    /** Publish `<name>.keys` beside the package so relative key URIs resolve. */
    includeKeys?: boolean;
    /** Check the published package through its public URL afterwards (default true). */
    verify?: boolean;
    /** Run the validator on the published URL (default true; needs ffprobe). */
    validate?: boolean;
    hashSample?: number;
  };
}

export interface PublishDeps extends S3PublisherDeps {
  signal?: AbortSignal;
  onEvent?: (event: PublishEvent) => void;
}

export const DEFAULT_PUBLISH_OPTIONS: PublishOptions = {
  concurrency: 8,
  dryRun: false,
  force: false,
  cors: 'check',
  corsOrigin: '*',
  retry: DEFAULT_RETRY,
};

/** What a publish works from: the validated target, its publisher, the package as read, where it goes. */
async function preparePublish(
  request: Pick<PublishRequest, 'packageDir' | 'target' | 'name'>,
  includeKeys: boolean,
  deps: S3PublisherDeps,
) {
  const parsed = parseTarget(request.target);
  if (!parsed.ok)
    throw new StudioError('PUBLISH_CONFIG', `bad publish target: ${parsed.issues.join('; ')}`, {
      detail: parsed.issues.join('\n'),
    });
  const config = parsed.target;
  const publisher = publisherFor(config.store, deps);
  const read = await readLocalPackage(request.packageDir, { includeKeys, policy: headerPolicy(config) });
  const name = request.name ?? read.name;
  const problem = packageNameProblem(name);
  if (problem) throw new StudioError('INVALID_ARGUMENT', `"${name}" cannot name a package: ${problem}`);
  const local = { ...read, name };
  const where = publisher.locate(config, name);
  const playbackUrl = new URL(PACKAGE_NAMES.multivariantPlaylist, where.packageUrl).href;
  return { config, publisher, local, where, playbackUrl };
}

/** Where a package would be published and what it weighs, without a request to the store. */
export type PublishDestination = Omit<PublishPlan, 'target'>;

export async function describePublish(
  request: Pick<PublishRequest, 'packageDir' | 'target' | 'name'>,
): Promise<PublishDestination> {
  const { local, where, playbackUrl } = await preparePublish(request, false, {});
  return {
    name: local.name,
    location: where.label,
    ...(where.endpoint ? { endpoint: where.endpoint } : {}),
    playbackUrl,
    files: local.files.length,
    bytes: local.files.reduce((sum, f) => sum + f.bytes, 0),
  };
}

/**
 * Publishes a package folder: validates the target, reads the package, lets the target's publisher
 * upload what is missing (in RFC 8216 order), then checks the result through the public URL.
 * Throws a StudioError; a thrown error means the publish is not complete, whatever was sent.
 */
export async function publishPackage(
  request: PublishRequest,
  deps: PublishDeps = {},
): Promise<PublishSummary> {
  const controller = new AbortController();
  // Every in-flight request listens on the signal: more than Node's default warning threshold of 10.
  setMaxListeners(0, controller.signal);
  const onAbort = () => controller.abort(deps.signal?.reason);
  if (deps.signal?.aborted) onAbort();
  deps.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    return await publish(request, { ...deps, signal: controller.signal });
  } finally {
    deps.signal?.removeEventListener('abort', onAbort);
  }
}

async function publish(
  request: PublishRequest,
  deps: PublishDeps & { signal: AbortSignal },
): Promise<PublishSummary> {
  const started = Date.now();
  const emit = deps.onEvent ?? (() => {});
  const signal = deps.signal;
  const { includeKeys = false, verify = true, validate = true, hashSample, ...rest } = request.options ?? {};
  const options: PublishOptions = { ...DEFAULT_PUBLISH_OPTIONS, ...stripUndefined(rest) };
  if (!Number.isInteger(options.concurrency) || options.concurrency < 1 || options.concurrency > 64)
    throw new StudioError('INVALID_ARGUMENT', '--concurrency must be a whole number from 1 to 64');

  const { config, publisher, local, where, playbackUrl } = await preparePublish(request, includeKeys, deps);
  emit({
    type: 'target',
    store: config.store,
    bucket: config.bucket,
    prefix: config.prefix,
    ...(where.endpoint ? { endpoint: where.endpoint } : {}),
    playbackUrl,
  });
  for (const message of local.warnings) emit({ type: 'warning', message });
  const preset = storePreset(config.store);
  if (preset.privateEndpoint && !config.publicBaseUrl)
    emit({
      type: 'warning',
      message:
        `${preset.title} does not serve anonymous reads from its API endpoint: pass --public-base-url ` +
        '(your r2.dev or custom domain) for a playback URL that players, and the verification, can fetch',
    });

  const outcome = await publisher.publish({
    config,
    package: local,
    options,
    setProgress: (progress) => emit({ type: 'progress', ...progress }),
    emit,
    signal,
  });

  const summary: PublishSummary = {
    playbackUrl,
    embedHtml: embedSnippet(playbackUrl, {
      id: `hls-${local.name}`,
      ...(local.files.some((f) => f.relPath === 'poster.jpg')
        ? { posterUrl: new URL('poster.jpg', where.packageUrl).href }
        : {}),
    }),
    uploaded: outcome.uploaded,
    skipped: outcome.skipped,
    bytesSent: outcome.bytesSent,
    durationSec: 0,
    dryRun: options.dryRun,
  };
  if (!options.dryRun && verify) {
    const verification = await verifyRemote({
      packageUrl: outcome.packageUrl,
      files: local.files,
      origin: options.corsOrigin,
      expectCors: outcome.corsOk === true,
      validate,
      keysElsewhere: local.encrypted && !includeKeys,
      localFailures: local.localFailures,
      concurrency: options.concurrency,
      ...(hashSample === undefined ? {} : { hashSample }),
      signal,
    });
    emit({ type: 'verified', ...verification });
    summary.verification = verification;
  }
  summary.durationSec = (Date.now() - started) / 1000;
  emit({ type: 'done', ...summary });
  return summary;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
