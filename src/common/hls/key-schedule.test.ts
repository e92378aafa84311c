import { describe, expect, it } from 'vitest';
import { keyIndexFor, keyUri } from './key-schedule.js';

describe('key schedule', () => {
  it('rotates every N segments', () => {
    expect([0, 1, 2, 3, 4].map((i) => keyIndexFor(i, 2))).toEqual([0, 0, 1, 1, 2]);
    expect(keyIndexFor(9, undefined)).toBe(0);
  });

  it('fills the key URI template', () => {
    expect(keyUri('../../{package}.keys/{key}', 3, 'my film')).toBe('../../my%20film.keys/key-3.key');
  });
});
