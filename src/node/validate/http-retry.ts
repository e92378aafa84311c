import { withRetry, type RetryDecision, type RetryPolicy } from '../../common/publish/backoff.js';

/**
 * HTTP GET/HEAD that survives a flaky network: transient failures (5xx but 501/505, 408, 429, S3
 * SlowDown, connection resets, timeouts) are retried with full-jitter backoff; what stays failed is
 * reported with its attempt count. The body is read inside the attempt, so a connection cut mid-body
 * is retried too. Counts are kept so a report can say how many requests needed a retry.
 */

/** Validation and remote verification: 6 attempts, about 4 s of waiting in all when every one fails. */
export const HTTP_RETRY: RetryPolicy = { attempts: 6, baseDelayMs: 250, maxDelayMs: 4_000 };

export interface HttpStats {
  /** Logical requests (a retried request counts once). */
  requests: number;
  /** Requests that needed at least one retry. */
  retried: number;
  /** Extra attempts in all. */
  retries: number;
  /** Requests still failing (transient status or network error) after the last attempt. */
  failed: number;
}

export const emptyStats = (): HttpStats => ({ requests: 0, retried: 0, retries: 0, failed: 0 });

export function addStats(a: HttpStats, b: HttpStats): HttpStats {
  return {
    requests: a.requests + b.requests,
    retried: a.retried + b.retried,
    retries: a.retries + b.retries,
    failed: a.failed + b.failed,
  };
}

/** "3 of 120 request(s) needed a retry (4 retries in all), 1 still failed after the last attempt". */
export function describeStats(s: HttpStats): string {
  return (
    `${s.retried} of ${s.requests} request(s) needed a retry` +
    (s.retries ? ` (${s.retries} retr${s.retries === 1 ? 'y' : 'ies'} in all)` : '') +
    (s.failed ? `, ${s.failed} still failed after the last attempt` : '')
  );
}

export interface Fetched {
  status: number;
  headers: Headers;
  /** The URL that answered (after redirects). */
  url: string;
  /** The body, when asked for and the status is 2xx. */
  body?: Buffer;
  /** Attempts made, the first included. */
  attempts: number;
  /** For a status that stayed transient: "HTTP 503 SlowDown". */
  reason?: string;
}

/** A request that failed for good: network error, timeout, refused redirect. */
export class HttpFailure extends Error {
  constructor(
    message: string,
    readonly attempts: number,
    options: { cause?: unknown } = {},
  ) {
    super(message, options);
    this.name = 'HttpFailure';
  }
}

export interface HttpFetchOptions {
  method?: 'GET' | 'HEAD';
  headers?: Record<string, string>;
  /** Read the body (inside the attempt) of a 2xx answer. */
  readBody?: boolean;
}

export interface HttpClientOptions {
  policy?: RetryPolicy;
  /** Per attempt, body included. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Which redirect targets may be followed (default: all); a refused one fails without a request. */
  allowRedirect?: (url: URL) => string | undefined;
  random?: () => number;
}

export interface HttpClient {
  fetch(url: URL | string, options?: HttpFetchOptions): Promise<Fetched>;
  readonly stats: HttpStats;
}

const MAX_REDIRECTS = 5;
/** Statuses worth another try: server trouble and throttling, not 501 (never implemented) or 505. */
export function isTransientStatus(status: number): boolean {
  return status === 408 || status === 429 || (status >= 500 && status !== 501 && status !== 505);
}

/** A transient answer, turned into an error so withRetry sees it; `response` is handed back at the end. */
class TransientStatus extends Error {
  constructor(
    readonly fetched: Omit<Fetched, 'attempts'>,
    readonly reason: string,
    readonly retryAfterMs: number | undefined,
  ) {
    super(reason);
  }
}

const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CLOSED',
]);

/** What a thrown fetch error means: undici wraps the socket error as `TypeError('fetch failed', { cause })`. */
export function classifyNetworkError(error: unknown): RetryDecision {
  if (error instanceof TransientStatus)
    return {
      retry: true,
      reason: error.reason,
      ...(error.retryAfterMs === undefined ? {} : { minDelayMs: error.retryAfterMs }),
    };
  const e = error as { name?: string; message?: string; code?: string; cause?: unknown };
  if (e?.name === 'TimeoutError') return { retry: true, reason: 'timeout' };
  const cause = e?.cause as { code?: string; message?: string; name?: string } | undefined;
  const code = e?.code ?? cause?.code;
  if (code && NETWORK_CODES.has(code)) return { retry: true, reason: code };
  if (cause?.name === 'TimeoutError') return { retry: true, reason: 'timeout' };
  // undici: 'fetch failed' (connect, reset before the answer), 'terminated' (cut while reading the body).
  // (undici refuses some ports and schemes with 'fetch failed' too: those are not worth a retry.)
  if (e?.name === 'TypeError' && e.message === 'terminated')
    return { retry: true, reason: code ?? 'connection cut while reading the body' };
  if (e?.name === 'TypeError' && e.message === 'fetch failed')
    return { retry: cause?.name === 'SocketError', reason: code ?? cause?.message ?? 'fetch failed' };
  return { retry: false, reason: e?.message ?? String(error) };
}

function retryAfterMs(headers: Headers, cap: number): number | undefined {
  const value = headers.get('retry-after');
  if (!value) return undefined;
  const seconds = Number(value);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(value) - Date.now();
  return Number.isFinite(ms) && ms > 0 ? Math.min(ms, cap) : undefined;
}

export function createHttpClient(options: HttpClientOptions = {}): HttpClient {
  const policy = options.policy ?? HTTP_RETRY;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const stats = emptyStats();

  /** One attempt: redirects followed by hand so each hop can be checked. */
  const attempt = async (start: URL, request: HttpFetchOptions): Promise<Omit<Fetched, 'attempts'>> => {
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
    let url = start;
    for (let hop = 0; ; hop++) {
      const response = await fetch(url, {
        method: request.method ?? 'GET',
        headers: request.headers ?? {},
        redirect: 'manual',
        signal,
      });
      const location = response.headers.get('location');
      if (response.status >= 300 && response.status < 400 && location) {
        await response.body?.cancel();
        const next = new URL(location, url);
        const refused = options.allowRedirect?.(next);
        if (refused) throw new HttpFailure(`redirected to ${next.href}: ${refused}`, 1);
        if (hop >= MAX_REDIRECTS) throw new HttpFailure(`more than ${MAX_REDIRECTS} redirects`, 1);
        url = next;
        continue;
      }
      const fetched = { status: response.status, headers: response.headers, url: url.href };
      if (isTransientStatus(response.status)) {
        // S3 names its throttling in the body: "HTTP 503 SlowDown" reads better in a log than "HTTP 503".
        const text = request.method === 'HEAD' ? '' : await response.text().catch(() => '');
        const code = /<Code>([^<]{1,64})<\/Code>/.exec(text)?.[1];
        throw new TransientStatus(
          fetched,
          `HTTP ${response.status}${code ? ` ${code}` : ''}`,
          retryAfterMs(response.headers, policy.maxDelayMs),
        );
      }
      if (request.readBody && response.ok)
        return { ...fetched, body: Buffer.from(await response.arrayBuffer()) };
      await response.body?.cancel();
      return fetched;
    }
  };

  return {
    stats,
    async fetch(target, request = {}) {
      const url = typeof target === 'string' ? new URL(target) : target;
      stats.requests++;
      let attempts = 0;
      const done = () => {
        if (attempts > 1) {
          stats.retried++;
          stats.retries += attempts - 1;
        }
      };
      try {
        const fetched = await withRetry(
          (n) => {
            attempts = n;
            return attempt(url, request);
          },
          {
            policy,
            classify: classifyNetworkError,
            ...(options.signal ? { signal: options.signal } : {}),
            ...(options.random ? { random: options.random } : {}),
          },
        );
        done();
        return { ...fetched, attempts };
      } catch (error) {
        done();
        if (options.signal?.aborted) throw error;
        stats.failed++;
        // A status that stayed transient is an answer: the caller reports it (with the attempts).
        if (error instanceof TransientStatus) return { ...error.fetched, attempts, reason: error.reason };
        if (error instanceof HttpFailure) throw error;
        const reason = classifyNetworkError(error).reason;
        throw new HttpFailure(attempts > 1 ? `${reason} after ${attempts} attempts` : reason, attempts, {
          cause: error,
        });
      }
    },
  };
}

/** "HTTP 503 SlowDown after 6 attempts" for an answer that stayed bad. */
export function describeStatus(fetched: Pick<Fetched, 'status' | 'attempts' | 'reason'>): string {
  const what = fetched.reason ?? `HTTP ${fetched.status}`;
  return `${what}${fetched.attempts > 1 ? ` after ${fetched.attempts} attempts` : ''}`;
}
