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
  };
}
