import { stat } from 'node:fs/promises';
import path from 'node:path';
import { StudioError } from '../../common/errors.js';
import { PACKAGE_NAMES } from '../../common/package/package-layout.js';
import { isUrlTarget } from './package-reader.js';

/**
 * Is `target` something to validate at all: a package folder with a multivariant playlist, a playlist
 * file, or an http(s) URL? Throws one clear StudioError (INVALID_ARGUMENT: the command line is wrong,
 * nothing was checked) instead of a report with one ✗ and a column of ✓ (issue 13, defect 8).
 * A URL is left to the validator: only fetching it can tell.
 */
export async function checkValidateTarget(target: string): Promise<void> {
  if (isUrlTarget(target)) return;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(target))
    throw new StudioError('INVALID_ARGUMENT', `${target}: only a folder, a .m3u8 file or an http(s) URL`);
  const at = path.resolve(target);
  const info = await stat(at).catch(() => undefined);
  const fail = (message: string) => {
    throw new StudioError('INVALID_ARGUMENT', message, { file: at });
  };
  if (!info) return fail(`${at} does not exist`);
  if (info.isDirectory()) {
    const master = await stat(path.join(at, PACKAGE_NAMES.multivariantPlaylist)).catch(() => undefined);
    if (!master?.isFile()) fail(`no ${PACKAGE_NAMES.multivariantPlaylist} in ${at}: not a package folder`);
    return;
  }
  if (!info.isFile() || !at.endsWith('.m3u8'))
    fail(
      `${at} is not a folder or playlist: give a package folder or its ${PACKAGE_NAMES.multivariantPlaylist}`,
    );
}
