import { describe, expect, it } from 'vitest';
import { makeMutants, mutate, seededRandom } from './mutate.js';

const base = Buffer.from(Array.from({ length: 20_000 }, (_, i) => i % 251));

describe('fuzz mutations', () => {
  it('one seed gives the same mutants byte for byte; another seed gives others', () => {
    const a = makeMutants([{ name: 'a.mp4', bytes: base }], 14, 7);
    const b = makeMutants([{ name: 'a.mp4', bytes: base }], 14, 7);
    const c = makeMutants([{ name: 'a.mp4', bytes: base }], 14, 8);
    expect(a.map((m) => m.bytes.toString('hex'))).toEqual(b.map((m) => m.bytes.toString('hex')));
    expect(a.map((m) => m.detail)).not.toEqual(c.map((m) => m.detail));
    expect(a[0]!.name).toBe('a-000-flip.mp4');
  });

  it('each mutation changes the file the way it says', () => {
    const random = seededRandom(1);
    expect(mutate(base, 'flip', random).bytes.equals(base)).toBe(false);
    const truncated = mutate(base, 'truncate', random);
    expect(truncated.bytes.length).toBeLessThan(base.length);
    expect(mutate(base, 'header-only', random).bytes.length).toBeLessThanOrEqual(16 + 1024);
    expect(mutate(base, 'garbage-tail', random).bytes.length).toBeGreaterThan(base.length);
    const zeroed = mutate(base, 'zero-block', random);
    const start = Number(zeroed.detail.split(' ').at(-1));
    expect(zeroed.bytes.subarray(start, start + 100).every((x) => x === 0)).toBe(true);
    const head = mutate(base, 'flip-head', random);
    expect(head.bytes.subarray(4096).equals(base.subarray(4096))).toBe(true);
  });
});
