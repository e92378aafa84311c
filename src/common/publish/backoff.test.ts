import { describe, expect, it } from 'vitest';
import { backoffDelay, withRetry } from './backoff.js';

const policy = { attempts: 4, baseDelayMs: 100, maxDelayMs: 350 };

describe('retries with full-jitter exponential backoff', () => {
  it('delays grow as base·2^(n-1), capped, scaled by the random draw', () => {
    expect([1, 2, 3, 4].map((n) => backoffDelay(n, policy, () => 1))).toEqual([100, 200, 350, 350]);
    expect(backoffDelay(3, policy, () => 0.5)).toBe(175);
    expect(backoffDelay(3, policy, () => 0)).toBe(0);
  });

  it('retries what the classifier calls retryable, up to the attempts; honours a minimum delay', async () => {
    const calls: number[] = [];
    const delays: number[] = [];
    const result = await withRetry(
      async (n) => {
        calls.push(n);
        if (n < 3) throw new Error('503');
        return 'ok';
      },
      {
        policy,
        classify: () => ({ retry: true, reason: '503', minDelayMs: 5 }),
        random: () => 0,
        onRetry: (i) => delays.push(i.delayMs),
      },
    );
    expect(result).toBe('ok');
    expect(calls).toEqual([1, 2, 3]);
    expect(delays).toEqual([5, 5]);
  });

  it('gives up at once on a permanent failure, and after the last attempt otherwise', async () => {
    let n = 0;
    await expect(
      withRetry(
        async () => {
          n++;
          throw new Error('403');
        },
        { policy, classify: () => ({ retry: false, reason: '403' }) },
      ),
    ).rejects.toThrow('403');
    expect(n).toBe(1);
    n = 0;
    await expect(
      withRetry(
        async () => {
          n++;
          throw new Error('500');
        },
        { policy, classify: () => ({ retry: true, reason: '500' }), random: () => 0 },
      ),
    ).rejects.toThrow('500');
    expect(n).toBe(4);
  });

  it('an abort during the wait ends it at once', async () => {
    const controller = new AbortController();
    const started = Date.now();
    const run = withRetry(
      async () => {
        throw new Error('500');
      },
      {
        policy: { attempts: 5, baseDelayMs: 10_000, maxDelayMs: 10_000 },
        classify: () => ({ retry: true, reason: '500' }),
        random: () => 1,
        signal: controller.signal,
      },
    );
    setTimeout(() => controller.abort(new Error('cancelled')), 20);
    await expect(run).rejects.toThrow('cancelled');
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
