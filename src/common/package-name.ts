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
