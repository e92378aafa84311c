import path from 'node:path';
import { StudioError } from '../../common/errors.js';
import {
  resolveStore,
  s3TargetSchema,
  type ResolvedStore,
  type S3TargetConfig,
} from '../../common/publish/publish-target.js';
import { objectKey, objectUrl } from '../../common/publish/s3-url.js';
import { storePreset, type StoreId } from '../../common/publish/store-presets.js';
import { orderForPublish } from '../../common/publish/upload-order.js';
import { applyBucketCors, checkBucketCors } from './bucket-cors.js';
import type { Publisher, PublishContext, PublishOutcome } from './publisher.js';
import { configDir } from '../config-dir.js';
import { PublishRecord } from './publish-record.js';
import { listPrefixes, planUploads } from './remote-state.js';
import { openS3Clients, type S3Clients, type S3ClientOptions, type StaticCredentials } from './s3-client.js';
import type { ListedPage, S3Rest } from './s3-rest.js';
import { describeFailure, toPublishError } from './s3-errors.js';
import { abortStaleUploads } from './s3-multipart.js';
import { DEFAULT_MULTIPART_THRESHOLD, uploadInPhases, type UploadEntry } from './s3-uploader.js';
import { retryRequest } from './upload-context.js';

export interface S3PublisherDeps {
  /** Given by a program (tests, the desktop app); otherwise env and the AWS chain. */
  credentials?: StaticCredentials;
  checksums?: S3ClientOptions['checksums'];
  env?: NodeJS.ProcessEnv;
  random?: () => number;
  /** Folder for the publish records (default: the config folder). */
  recordDir?: string;
}

/** The package's own folder and its keys folder beside it, as key prefixes. */
function packagePrefixes(config: S3TargetConfig, name: string): string[] {
  return [`${objectKey(config.prefix, name, '')}/`, `${objectKey(config.prefix, `${name}.keys`, '')}/`];
}

/** One implementation for Amazon S3, GCS (XML API), R2, MinIO, B2, Wasabi, Spaces and any S3-compatible store. */
export function createS3Publisher(storeId: StoreId, deps: S3PublisherDeps = {}): Publisher<S3TargetConfig> {
  const preset = storePreset(storeId);
  const locate = (config: S3TargetConfig, packageName: string) => {
    const store = resolveStore(config);
    return {
      label: `s3://${config.bucket}/${objectKey(config.prefix, packageName, '')}/`,
      ...(store.endpoint ? { endpoint: store.endpoint } : {}),
      packageUrl: `${objectUrl(store.publicBaseUrl, objectKey(config.prefix, packageName, ''))}/`,
    };
  };
  return {
    id: preset.id,
    title: preset.title,
    configSchema: s3TargetSchema,
    locate,
    async publish(ctx) {
      const store = resolveStore(ctx.config);
      const clientOptions: S3ClientOptions = {
        concurrency: ctx.options.concurrency,
        credentials: deps.credentials,
        checksums: deps.checksums,
        socketTimeoutMs: ctx.options.socketTimeoutMs,
        env: deps.env,
      };
      const clients = openS3Clients(ctx.config, store, clientOptions);
      try {
        return await publishWith(clients, store, ctx, locate(ctx.config, ctx.package.name).packageUrl, deps);
      } finally {
        clients.close();
      }
    },
  };
}

type Clients = Pick<S3Clients, 'rest' | 'sdk'>;

async function publishWith(
  clients: Clients,
  store: ResolvedStore,
  ctx: PublishContext<S3TargetConfig>,
  packageUrl: string,
  deps: S3PublisherDeps,
): Promise<PublishOutcome> {
  const { config, options, signal } = ctx;
  const { bucket } = config;
  // The keys folder beside the package is listed only when keys are published: one request per 1,000 objects.
  const prefixes = packagePrefixes(config, ctx.package.name).slice(
    0,
    ctx.package.files.some((f) => f.relPath.startsWith('../')) ? 2 : 1,
  );
  const startedAt = new Date();
  const firstPage = await preflight(clients.rest, config, store, prefixes[0]!, signal);
  if (options.cors === 'apply' && !store.corsApi)
    throw new StudioError(
      'PUBLISH_CONFIG',
      `${storePreset(store.store).title} does not take CORS rules through the S3 API; set them with ` +
        `\`gcloud storage buckets update gs://${bucket} --cors-file=cors.json\` and publish with --cors check`,
    );

  const entries = ctx.package.files.map((file) => ({
    file,
    key: objectKey(config.prefix, ctx.package.name, file.relPath),
  }));
  const record = await PublishRecord.open(
    path.join(deps.recordDir ?? configDir(deps.env), 'publish-records'),
    {
      endpoint: store.endpoint ?? `s3.${store.region}.amazonaws.com`,
      bucket,
      prefix: prefixes[0]!,
    },
  );
  try {
    return await uploadPlanned(clients, store, ctx, packageUrl, deps, {
      entries,
      prefixes,
      firstPage,
      record,
      startedAt,
    });
  } finally {
    await record.close();
  }
}

async function uploadPlanned(
  clients: Clients,
  store: ResolvedStore,
  ctx: PublishContext<S3TargetConfig>,
  packageUrl: string,
  deps: S3PublisherDeps,
  state: {
    entries: UploadEntry[];
    prefixes: string[];
    firstPage: ListedPage | undefined;
    record: PublishRecord;
    startedAt: Date;
  },
): Promise<PublishOutcome> {
  const { config, options, signal } = ctx;
  const { bucket } = config;
  const where = { bucket, endpoint: store.endpoint };
  const { entries, prefixes, record } = state;
  const plan = await (async () => {
    // Without s3:ListBucket the preflight had no page: every file is then HEAD-checked.
    const listing = state.firstPage && (await listPrefixes(clients.rest, prefixes, signal, state.firstPage));
    return planUploads(clients.rest, entries, {
      concurrency: options.concurrency,
      force: options.force,
      signal,
      listing,
      record,
    });
  })().catch((error: unknown) => {
    throw toPublishError(error, { ...where, what: 'reading what the bucket already holds' });
  });
  const toUpload = plan.filter((p) => p.action === 'upload');
  const planned = plan.map((p) => ({
    path: p.file.relPath,
    key: p.key,
    bytes: p.file.bytes,
    contentType: p.file.headers.contentType,
    cacheControl: p.file.headers.cacheControl,
    action: p.action,
    ...(p.reason ? { reason: p.reason } : {}),
  }));
  ctx.emit({
    type: 'planned',
    dryRun: options.dryRun,
    upload: toUpload.length,
    skip: plan.length - toUpload.length,
    uploadBytes: toUpload.reduce((sum, p) => sum + p.file.bytes, 0),
    files: planned,
  });
  const skipped = plan.length - toUpload.length;
  const outcome = { packageUrl, planned, skipped, uploaded: 0, bytesSent: 0 };

  let corsOk: boolean | undefined;
  if (options.cors !== 'skip') {
    const report = !store.corsApi
      ? {
          ok: undefined,
          applied: false,
          problems: ['this store’s CORS is not readable through the S3 API; checked through the public URL'],
        }
      : options.cors === 'apply' && !options.dryRun
        ? await applyBucketCors(clients.sdk(), bucket, options.corsOrigin, signal)
        : await checkBucketCors(clients.rest, bucket, options.corsOrigin, signal);
    corsOk = report.ok;
    ctx.emit({ type: 'cors', ...report });
  }
  if (options.dryRun) return { ...outcome, ...(corsOk === undefined ? {} : { corsOk }) };

  const threshold = options.multipartThresholdBytes ?? DEFAULT_MULTIPART_THRESHOLD;
  const keys = new Set(toUpload.filter((p) => p.file.bytes >= threshold).map((p) => p.key));
  if (keys.size) {
    const aborted = await abortStaleUploads(clients.sdk(), bucket, prefixes, keys, state.startedAt, signal);
    if (aborted)
      ctx.emit({ type: 'warning', message: `aborted ${aborted} unfinished upload(s) of an earlier run` });
  }
  const phases = orderForPublish(
    toUpload.map((p) => ({ ...p, relPath: p.file.relPath, role: p.file.role })),
  ).map((p) => ({ phase: p.phase, entries: p.files.map(({ file, key }) => ({ file, key })) }));
  const stats = await uploadInPhases(phases, {
    rest: clients.rest,
    sdk: clients.sdk,
    bucket,
    endpoint: store.endpoint,
    concurrency: options.concurrency,
    retry: options.retry,
    signal,
    skipped,
    acl: config.acl,
    storageClass: config.storageClass,
    multipartThresholdBytes: options.multipartThresholdBytes,
    partSizeBytes: options.partSizeBytes,
    random: deps.random,
    record,
    emit: (event) => (event.type === 'progress' ? ctx.setProgress(event) : ctx.emit(event)),
  });
  return {
    ...outcome,
    uploaded: stats.uploaded,
    bytesSent: stats.bytesSent,
    ...(corsOk === undefined ? {} : { corsOk }),
  };
}

/**
 * Credentials and bucket checked before anything is sent: one listing of the package's prefix proves
 * the key, the signature, the region and the bucket (its error body names which is wrong). The page is
 * the first of the listing that plans the upload; undefined when the key may write but not list.
 */
async function preflight(
  rest: S3Rest,
  config: S3TargetConfig,
  store: ResolvedStore,
  prefix: string,
  signal: AbortSignal,
): Promise<ListedPage | undefined> {
  const where = { bucket: config.bucket, endpoint: store.endpoint, what: 'checking the bucket' };
  try {
    await rest.credentials();
  } catch (error) {
    throw new StudioError(
      'PUBLISH_AUTH',
      store.aws
        ? 'no AWS credentials found: set AWS_PROFILE (or --profile), AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or log in with `aws sso login`'
        : 'no credentials found: set S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY (or an AWS profile with --profile)',
      { detail: (error as Error).message, cause: error },
    );
  }
  try {
    return await retryRequest(
      () => rest.listPage(prefix, undefined, signal),
      // Few attempts: a wrong endpoint should say so in seconds, not after a minute of backoff.
      { signal, policy: { attempts: 3, baseDelayMs: 200, maxDelayMs: 1_000 } },
    );
  } catch (error) {
    if (signal.aborted) throw new StudioError('CANCELLED', 'publish cancelled');
    // A key allowed to write but not to list still gets to publish (each object is then HEAD-checked).
    if (describeFailure(error).code === 'AccessDenied') return undefined;
    throw toPublishError(error, where);
  }
}
