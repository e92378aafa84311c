/**
 * A package folder name from a source file name: letters (any script), digits, dot, dash and underscore,
 * so `concat:a|b.mp4` → `concat-a-b`, `-x.mp4` → `x`, `Été 2024 🎬.mov` → `Été-2024`.
 */
export function packageNameFor(sourceFile: string): string {
  const base = sourceFile.split(/[\\/]/).pop() ?? '';
  const stem = base.includes('.') ? base.slice(0, base.lastIndexOf('.')) : base;
  const slug = stem
    .normalize('NFC')
    .replace(/[^\p{L}\p{N}._-]+/gu, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '')
    .slice(0, 80);
  return slug || 'video';
}

/**
 * A package's name where it is published (the path segment before master.m3u8): what packageNameFor
 * makes, or the user's edit of it. One segment, so it never climbs out of the target's prefix.
 */
export const PACKAGE_NAME = /^[\p{L}\p{N}_][\p{L}\p{N}._-]{0,79}$/u;

/** Why `name` cannot name a published package, or undefined when it can. */
export function packageNameProblem(name: string): string | undefined {
  if (name === '') return 'give the package a name';
  if (name.length > 80) return 'at most 80 characters';
  if (!PACKAGE_NAME.test(name))
    return 'letters, digits and . _ - only (no spaces or slashes), starting with a letter or digit';
  return undefined;
}
