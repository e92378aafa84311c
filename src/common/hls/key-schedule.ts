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

/**
 * Inserts an EXT-X-KEY before the first segment of each key period in a media playlist's text
 * (after EXT-X-MAP, so the init segment stays clear). `keyLineFor(n)` gives the tag of key n.
 */
export function insertKeyTags(
  playlistText: string,
  keyOfSegment: (segmentIndex: number) => number,
  keyLineFor: (n: number) => string,
): string {
  const lines = playlistText.split('\n');
  const out: string[] = [];
  let segment = 0;
  let current = -1;
  let pending: string[] = [];
  for (const line of lines) {
    if (line.startsWith('#EXTINF') || line.startsWith('#EXT-X-BYTERANGE')) {
      pending.push(line);
      continue;
    }
    if (line && !line.startsWith('#')) {
      const key = keyOfSegment(segment);
      if (key !== current) {
        out.push(keyLineFor(key));
        current = key;
      }
      out.push(...pending, line);
      pending = [];
      segment++;
      continue;
    }
    out.push(...pending, line);
    pending = [];
  }
  return out.join('\n');
}
