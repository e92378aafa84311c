/**
 * The files a playlist names (segment lines and URI="…" attributes: EXT-X-MAP, EXT-X-KEY, EXT-X-MEDIA,
 * I-frame streams), resolved against the package root, so a publish can refuse a playlist that names a
 * file it would not upload.
 */

/** Every URI a playlist names, in order, as written. */
export function playlistUris(text: string): string[] {
  const uris: string[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '') continue;
    if (!line.startsWith('#')) {
      uris.push(line);
      continue;
    }
    for (const match of line.matchAll(/(?:^|[:,])URI="([^"]*)"/g)) uris.push(match[1]!);
  }
  return uris;
}

/**
 * `uri` (relative to the playlist at `fromRelPath`) as a path relative to the package root, e.g.
 * `v0/index.m3u8` + `../../pkg.keys/key-0.key` → `../pkg.keys/key-0.key`. Undefined for absolute URLs
 * (another host, `data:`, `skd:`), which are not ours to upload.
 */
export function resolveInPackage(fromRelPath: string, uri: string): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:/i.test(uri) || uri.startsWith('//') || uri.startsWith('/')) return undefined;
  const path = uri.split(/[?#]/)[0]!;
  const parts = fromRelPath.split('/').slice(0, -1);
  let climbed = 0;
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (parts.length > 0) parts.pop();
      else climbed++;
    } else parts.push(decodeURIComponentSafe(part));
  }
  return [...Array<string>(climbed).fill('..'), ...parts].join('/');
}

export interface MissingReference {
  playlist: string;
  uri: string;
  resolved: string;
}

/** References from the playlists to package files (or the keys folder) that are not in `available`. */
export function missingReferences(
  playlists: { relPath: string; text: string }[],
  available: ReadonlySet<string>,
): MissingReference[] {
  const missing: MissingReference[] = [];
  for (const p of playlists) {
    for (const uri of playlistUris(p.text)) {
      const resolved = resolveInPackage(p.relPath, uri);
      if (resolved !== undefined && !available.has(resolved))
        missing.push({ playlist: p.relPath, uri, resolved });
    }
  }
  return missing;
}

function decodeURIComponentSafe(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}
