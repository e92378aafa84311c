import { describe, expect, it } from 'vitest';
import { runLimited, Semaphore } from './upload-pool.js';

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('concurrency limits', () => {
  it('a semaphore never lets more than its limit run', async () => {
    const s = new Semaphore(3);
    let running = 0;
    let peak = 0;
    await Promise.all(
      Array.from({ length: 20 }, () =>
        s.use(async () => {
          peak = Math.max(peak, ++running);
          await tick(2);
          running--;
        }),
      ),
    );
    expect(peak).toBe(3);
  });

  it('runLimited keeps input order; the first failure stops new work and is rethrown after the rest settle', async () => {
    expect(await runLimited([3, 1, 2], 2, async (n) => (await tick(n), n * 10))).toEqual([30, 10, 20]);
    const started: number[] = [];
    let settled = 0;
    const run = runLimited([0, 1, 2, 3, 4, 5], 2, async (n) => {
      started.push(n);
      await tick(n === 1 ? 1 : 10);
      settled++;
      if (n === 1) throw new Error('boom');
    });
    await expect(run).rejects.toThrow('boom');
    // 1 fails while 0 still runs: nothing after it starts, and 0 is awaited before the rethrow.
    expect(started).toEqual([0, 1]);
    expect(settled).toBe(2);
  });
});
