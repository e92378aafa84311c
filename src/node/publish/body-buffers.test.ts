import { describe, expect, it } from 'vitest';
import { BodyBuffers } from './body-buffers.js';

const MIB = 1024 * 1024;
const tick = () => new Promise((r) => setTimeout(r, 5));

describe('request body buffers', () => {
  it('never hold more than the budget at once; a body bigger than the budget still goes, alone', async () => {
    const buffers = new BodyBuffers(8 * MIB);
    let held = 0;
    let peak = 0;
    const hold = (bytes: number) =>
      buffers.use(bytes, async (body) => {
        expect(body.length).toBe(bytes);
        held += bytes;
        peak = Math.max(peak, held);
        await tick();
        held -= bytes;
      });
    await Promise.all(Array.from({ length: 12 }, () => hold(3 * MIB)));
    expect(peak).toBeLessThanOrEqual(8 * MIB);
    expect(peak).toBeGreaterThanOrEqual(6 * MIB);
    await Promise.all([hold(20 * MIB), hold(MIB)]);
    expect(peak).toBe(20 * MIB);
  });

  it('reuses its buffers: the same memory serves body after body', async () => {
    const buffers = new BodyBuffers(8 * MIB);
    const seen = new Set<ArrayBufferLike>();
    for (let i = 0; i < 5; i++) await buffers.use(2 * MIB, async (body) => void seen.add(body.buffer));
    expect(seen.size).toBe(1);
  });
});
