import { describe, expect, it } from 'vitest';
import { packageNameFor, packageNameProblem } from './package-name.js';

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

describe('a published package’s name', () => {
  it('takes what packageNameFor makes', () => {
    for (const source of ['clip.mp4', 'Été 2024 🎬.mov', 'concat:a|b.mp4', '_x.mkv'])
      expect(packageNameProblem(packageNameFor(source)), source).toBeUndefined();
  });

  it('is one path segment: no spaces, slashes, dot-dot or leading dot', () => {
    for (const name of ['a b', 'a/b', '..', '.hidden', '-x', ''])
      expect(packageNameProblem(name), name).toBeDefined();
    expect(packageNameProblem('x'.repeat(81))).toBe('at most 80 characters');
  });
});
