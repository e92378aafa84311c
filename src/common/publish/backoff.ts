/** Retries with "full jitter" exponential backoff (AWS Architecture Blog, "Exponential Backoff and Jitter"). */

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 6, baseDelayMs: 250, maxDelayMs: 8_000 };

/** What a failure means for the next attempt. */
export interface RetryDecision {
  retry: boolean;
  /** A floor for the wait, e.g. for 503 SlowDown. */
  minDelayMs?: number;
  /** Short, for logs: "HTTP 503 SlowDown", "ECONNRESET". */
  reason: string;
}

/** Delay before retry number `retry` (1 = first retry): uniform in [0, min(max, base·2^(retry-1))]. */
export function backoffDelay(retry: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
  return Math.round(random() * ceiling);
}

export interface RetryOptions {
  policy: RetryPolicy;
  classify: (error: unknown) => RetryDecision;
  signal?: AbortSignal;
  onRetry?: (info: { attempt: number; delayMs: number; reason: string; error: unknown }) => void;
  random?: () => number;
}

/** Runs `attempt(n)` (n from 1) until it succeeds, fails for good, runs out of attempts or is aborted. */
export async function withRetry<T>(attempt: (n: number) => Promise<T>, options: RetryOptions): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt(n);
    } catch (error) {
      if (options.signal?.aborted) throw error;
      const decision = options.classify(error);
      if (!decision.retry || n >= options.policy.attempts) throw error;
      const delayMs = Math.max(
        decision.minDelayMs ?? 0,
        backoffDelay(n, options.policy, options.random ?? Math.random),
      );
      options.onRetry?.({ attempt: n + 1, delayMs, reason: decision.reason, error });
      await sleep(delayMs, options.signal);
    }
  }
}

/** Resolves after `ms`, or rejects with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason as Error);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
