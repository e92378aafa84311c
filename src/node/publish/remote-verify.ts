import { createHash } from 'node:crypto';
import type { RetryPolicy } from '../../common/publish/backoff.js';
import type { RemoteCheckFailure, RemoteVerification } from '../../common/publish/publish-events.js';
import { PACKAGE_NAMES } from '../../common/package/package-layout.js';
import type { NetworkCounts } from '../../common/validate/validation-report.js';
import { binaries } from '../ffmpeg/binaries.js';
import {
  addStats,
  createHttpClient,
  describeStats,
  describeStatus,
  emptyStats,
  HttpFailure,
  HTTP_RETRY,
} from '../validate/http-retry.js';
import { validatePackage } from '../validate/validate-package.js';
import type { PublishFile } from './local-package.js';
import { runLimited } from './upload-pool.js';

export interface VerifyOptions {
  /** The package folder URL, ending in '/'. */
  packageUrl: string;
  files: PublishFile[];
  /** Origin sent with every request; '*' sends a made-up one (any origin must be allowed then). */
  origin: string;
  /** The bucket's CORS allows playback, so Access-Control-Allow-Origin must come back. */
  expectCors: boolean;
  /** Run the package validator on the published URL (needs ffprobe). */
  validate: boolean;
  /** Keys are not published: rules that need them cannot pass remotely. */
  keysElsewhere: boolean;
  /** MUST rules the package failed locally (video.json): not blamed on the publish. */
  localFailures?: string[];
  /** HEAD at most this many segments and images (evenly spread). */
  sampleMax?: number;
  /** Fetch and hash back this many segments and images, besides every playlist. */
  hashSample?: number;
  concurrency?: number;
  signal?: AbortSignal;
  /** Retries of transient failures (5xx, 429, SlowDown, resets, timeouts); default HTTP_RETRY. */
  retry?: RetryPolicy;
  /** Per attempt, body included (default 30 s). */
  timeoutMs?: number;
}

/**
 * The verification with its network counts. (`network` is not in RemoteVerification yet, which lives in
 * src/common/publish: it travels with the object, and a note says the same for the CLI.)
 */
export type CountedVerification = RemoteVerification & {
  /** The checks' requests and the validator's together. */
  network: NetworkCounts;
};

const ANY_ORIGIN_PROBE = 'https://hls-studio.invalid';
const FETCHED_WHOLE = new Set(['media-playlist', 'multivariant-playlist', 'manifest', 'key', 'storyboard']);

/**
 * Checks the package as a player gets it, through the public URL: status, Content-Type, Cache-Control,
 * Content-Encoding, CORS, sizes; every playlist and a sample of segments are fetched and hashed back;
 * then the validator runs against the URL.
 */
export async function verifyRemote(options: VerifyOptions): Promise<CountedVerification> {
  const failures: RemoteCheckFailure[] = [];
  const notes: string[] = [];
  const origin = options.origin === '*' ? ANY_ORIGIN_PROBE : options.origin;
  const whole = options.files.filter((f) => FETCHED_WHOLE.has(f.role) || f.bytes === 0);
  const media = options.files.filter((f) => !whole.includes(f));
  const headed = spread(media, options.sampleMax ?? 500);
  const largest = media.reduce<PublishFile | undefined>(
    (a, f) => (a && a.bytes >= f.bytes ? a : f),
    undefined,
  );
  const hashed = new Set([...spread(media, options.hashSample ?? 16), ...(largest ? [largest] : [])]);
  if (headed.length < media.length)
    notes.push(`HEAD-checked ${headed.length} of ${media.length} segments and images`);
  let corsSeen: boolean | undefined;
  const http = createHttpClient({
    policy: options.retry ?? HTTP_RETRY,
    ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });

  const check = async (file: PublishFile) => {
    const url = new URL(file.relPath, options.packageUrl).href;
    const fail = (problem: string) => failures.push({ path: file.relPath, url, problem });
    const get = whole.includes(file) || hashed.has(file);
    let response: Awaited<ReturnType<typeof http.fetch>>;
    try {
      // The body is read inside the attempt: a connection cut mid-body is retried like any other.
      response = await http.fetch(url, {
        method: get ? 'GET' : 'HEAD',
        headers: { Origin: origin },
        readBody: get,
      });
    } catch (error) {
      if (options.signal?.aborted || !(error instanceof HttpFailure)) throw error;
      return fail(`unreachable: ${error.message}`);
    }
    if (response.status !== 200) {
      // Without public listing a missing object answers 403, like a private one.
      return fail(
        `${describeStatus(response)}${response.status === 403 ? ' (missing, or not publicly readable)' : ''}`,
      );
    }
    const h = file.headers;
    const type = (response.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    if (type !== h.contentType) fail(`Content-Type ${type || 'missing'}, expected ${h.contentType}`);
    const cache = normalizeList(response.headers.get('cache-control'));
    if (cache !== normalizeList(h.cacheControl))
      fail(`Cache-Control "${cache || 'missing'}", expected "${h.cacheControl}"`);
    const encoding = response.headers.get('content-encoding') ?? undefined;
    if (encoding !== h.contentEncoding)
      fail(`Content-Encoding ${encoding ?? 'none'}, expected ${h.contentEncoding ?? 'none'}`);
    const allowOrigin = response.headers.get('access-control-allow-origin');
    const corsOk = allowOrigin === '*' || allowOrigin === origin;
    corsSeen = (corsSeen ?? true) && corsOk;
    if (options.expectCors && !corsOk) fail(`no Access-Control-Allow-Origin for ${origin}`);
    if (get) {
      // fetch undoes Content-Encoding, so the hash is of the file as packaged.
      const sha = createHash('sha256')
        .update(response.body ?? Buffer.alloc(0))
        .digest('hex');
      if (sha !== file.sha256)
        fail(`bytes differ from the local file (sha256 ${sha}, expected ${file.sha256})`);
    } else if (!h.contentEncoding) {
      const length = Number(response.headers.get('content-length'));
      if (length !== file.bytes) fail(`Content-Length ${length}, expected ${file.bytes}`);
    }
  };
  await runLimited([...whole, ...headed], options.concurrency ?? 8, check);

  const verification: CountedVerification = {
    ok: failures.length === 0,
    baseUrl: options.packageUrl,
    checked: whole.length + headed.length,
    hashed: whole.length + hashed.size,
    ...(corsSeen === undefined ? {} : { corsHeader: corsSeen }),
    failures,
    notes,
    network: { ...http.stats },
  };
  notes.push(`checks: ${describeStats(http.stats)}`);
  if (options.validate) await validateRemote(options, verification);
  return verification;
}

async function validateRemote(options: VerifyOptions, verification: CountedVerification): Promise<void> {
  if (options.keysElsewhere) {
    verification.notes.push('validator not run: the keys are not published here');
    return;
  }
  try {
    await binaries();
  } catch {
    verification.notes.push('validator not run: ffprobe is not installed');
    return;
  }
  const report = await validatePackage(new URL(PACKAGE_NAMES.multivariantPlaylist, options.packageUrl).href, {
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.retry ? { retry: options.retry } : {}),
    ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
  });
  const counts = report.network ?? emptyStats();
  verification.network = addStats(verification.network, counts);
  verification.notes.push(`validator: ${describeStats(counts)}`);
  const local = new Set(options.localFailures ?? []);
  const newFailures = report.results
    .filter((r) => r.status === 'fail' && r.level === 'MUST' && !local.has(r.id))
    .map((r) => ({ id: r.id, title: r.title, ...(r.message ? { message: r.message } : {}) }));
  verification.validation = { valid: report.valid, newFailures, mustFailures: report.mustFailures };
  if (newFailures.length) verification.ok = false;
}

function normalizeList(value: string | null): string {
  return (value ?? '')
    .split(',')
    .map((p) => p.trim().toLowerCase())
    .filter(Boolean)
    .join(', ');
}

/** Up to `max` items evenly spread, first and last included. */
function spread<T>(items: T[], max: number): T[] {
  if (items.length <= max) return items;
  if (max <= 1) return items.slice(0, max);
  const step = (items.length - 1) / (max - 1);
  return Array.from({ length: max }, (_, i) => items[Math.round(i * step)]!);
}
