/** Which key encrypts media segment `index` when keys rotate every `every` segments (one key when undefined). */
export function keyIndexFor(segmentIndex: number, every: number | undefined): number {
  return every ? Math.floor(segmentIndex / every) : 0;
}

/** The EXT-X-KEY URI of key `n`: `{key}` → `key-3.key`, `{package}` → the package folder name. */
export function keyUri(template: string, n: number, packageName: string): string {
  return template
    .replaceAll('{key}', keyFileName(n))
    .replaceAll('{package}', encodeURIComponent(packageName));
}

export function keyFileName(n: number): string {
  return `key-${n}.key`;
}
