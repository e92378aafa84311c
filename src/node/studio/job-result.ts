import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { JobResult } from '../../common/api/studio-api.js';
import type { PackageResult } from '../../common/encode-events.js';
import { PACKAGE_NAMES } from '../../common/package/package-layout.js';

/** What the UI needs of a finished package, loaded from `baseUrl` (ending in '/'). */
export function toJobResult(baseUrl: string, result: PackageResult): JobResult {
  return {
    baseUrl,
    multivariantPlaylist: PACKAGE_NAMES.multivariantPlaylist,
    variants: result.variants,
    storyboardVtt: result.images?.storyboard?.vtt,
    poster: result.images?.posterJpeg,
    validation: result.validation,
    sizeBytes: result.sizeBytes,
    elapsedSec: result.elapsedSec,
    packageDir: result.packageDir,
  };
}

/**
 * Bytes on disk of each rung: the folder its media playlist lives in (segments, init segment, I-frame
 * playlist). A rung whose playlist sits at the package's top level shares it with others and is left out.
 */
export async function rungSizes(packageDir: string, result: PackageResult): Promise<Record<string, number>> {
  const sizes: Record<string, number> = {};
  for (const variant of result.variants) {
    const folder = path.posix.dirname(variant.uri);
    if (folder === '.' || folder.startsWith('..')) continue;
    const size = await folderBytes(path.join(packageDir, ...folder.split('/')));
    if (size !== undefined) sizes[variant.uri] = size;
  }
  return sizes;
}

async function folderBytes(dir: string): Promise<number | undefined> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => undefined);
  if (!entries) return undefined;
  let total = 0;
  for (const entry of entries)
    if (entry.isFile())
      total += (await stat(path.join(entry.parentPath, entry.name)).catch(() => undefined))?.size ?? 0;
  return total;
}
