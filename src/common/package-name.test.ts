import { describe, expect, it } from 'vitest';
import { packageNameFor } from './package-name.js';

describe('packageNameFor', () => {
  it.each([
    ['/videos/My Holiday.mp4', 'My-Holiday'],
    ['/videos/concat:a|b.mp4', 'concat-a-b'],
    ['/videos/-x.mp4', 'x'],
    ['/videos/Été 2024 🎬.mov', 'Été-2024'],
    ['/videos/100%_%05d.mkv', '100-_-05d'],
    ['/videos/...', 'video'],
    ['C:\\clips\\take 1.avi', 'take-1'],
  ])('%s → %s', (input, expected) => {
    expect(packageNameFor(input)).toBe(expected);
  });
});
