import { createHash } from 'node:crypto';
import { withRetry } from '../../common/publish/backoff.js';
import type { RemoteCheckFailure, RemoteVerification } from '../../common/publish/publish-events.js';
import { binaries } from '../ffmpeg/binaries.js';
import { validatePackage } from '../validate/validate-package.js';
import type { PublishFile } from './local-package.js';
import { isNetworkFailure } from './s3-errors.js';
import { runLimited } from './upload-pool.js';
import { PACKAGE_NAMES } from '../../common/package/package-layout.js';

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
}

const ANY_ORIGIN_PROBE = 'https://hls-studio.invalid';
const FETCHED_WHOLE = new Set(['media-playlist', 'multivariant-playlist', 'manifest', 'key', 'storyboard']);

/**
 * Checks the package as a player gets it, through the public URL: status, Content-Type, Cache-Control,
 * Content-Encoding, CORS, sizes; every playlist and a sample of segments are fetched and hashed back;
 * then the validator runs against the URL.
 */
export async function verifyRemote(options: VerifyOptions): Promise<RemoteVerification> {
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

  const check = async (file: PublishFile) => {
    const url = new URL(file.relPath, options.packageUrl).href;
    const fail = (problem: string) => failures.push({ path: file.relPath, url, problem });
    const get = whole.includes(file) || hashed.has(file);
    let response: Response;
    try {
      response = await request(url, get ? 'GET' : 'HEAD', origin, options.signal);
    } catch (error) {
      return fail(`unreachable: ${(error as Error).message}`);
    }
    if (response.status !== 200) {
      await response.body?.cancel();
      // Without public listing a missing object answers 403, like a private one.
      return fail(
        `HTTP ${response.status}${response.status === 403 ? ' (missing, or not publicly readable)' : ''}`,
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
        .update(Buffer.from(await response.arrayBuffer()))
        .digest('hex');
      if (sha !== file.sha256)
        fail(`bytes differ from the local file (sha256 ${sha}, expected ${file.sha256})`);
    } else if (!h.contentEncoding) {
      const length = Number(response.headers.get('content-length'));
      if (length !== file.bytes) fail(`Content-Length ${length}, expected ${file.bytes}`);
    }
  };
  await runLimited([...whole, ...headed], options.concurrency ?? 8, check);

  const verification: RemoteVerification = {
    ok: failures.length === 0,
    baseUrl: options.packageUrl,
    checked: whole.length + headed.length,
    hashed: whole.length + hashed.size,
    ...(corsSeen === undefined ? {} : { corsHeader: corsSeen }),
    failures,
    notes,
  };
  if (options.validate) await validateRemote(options, verification);
  return verification;
}

async function validateRemote(options: VerifyOptions, verification: RemoteVerification): Promise<void> {
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
    signal: options.signal,
  });
  const local = new Set(options.localFailures ?? []);
  const newFailures = report.results
    .filter((r) => r.status === 'fail' && r.level === 'MUST' && !local.has(r.id))
    .map((r) => ({ id: r.id, title: r.title, ...(r.message ? { message: r.message } : {}) }));
  verification.validation = { valid: report.valid, newFailures, mustFailures: report.mustFailures };
  if (newFailures.length) verification.ok = false;
}

/** One request with a timeout, retried on network failures and 5xx (the same weather uploads met). */
async function request(url: string, method: 'GET' | 'HEAD', origin: string, signal?: AbortSignal) {
  return withRetry(
    async () => {
      const timeout = AbortSignal.timeout(30_000);
      const response = await fetch(url, {
        method,
        headers: { Origin: origin },
        redirect: 'follow',
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
      if (response.status >= 500) {
        await response.body?.cancel();
        throw Object.assign(new Error(`HTTP ${response.status}`), { status: response.status });
      }
      return response;
    },
    {
      policy: { attempts: 4, baseDelayMs: 200, maxDelayMs: 2_000 },
      classify: (error) => ({
        retry: (error as { status?: number }).status !== undefined || isNetworkFailure(error),
        reason: (error as Error).message,
      }),
      signal,
    },
  ).catch(async (error: unknown) => {
    // After the last 5xx, hand back a response-like failure the caller reports.
    const status = (error as { status?: number }).status;
    if (status !== undefined) return new Response(null, { status });
    throw error;
  });
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
