import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { StudioError } from '../../common/errors.js';

/** Hidden folders a package is built in; anything with this marker is unfinished by definition. */
export const PARTIAL_MARKER = '.partial-';

/**
 * A package is built in a hidden sibling folder and renamed into place only when complete, so a cancel,
 * crash or failure never leaves a folder under the final name (rename is atomic on one filesystem).
 */
export interface StagingDir {
  path: string;
  finalPath: string;
  /** AES-128 keys are staged here and land beside the package as `<name>.keys`, never inside it. */
  keysPath: string;
  finalKeysPath: string;
  commit(): Promise<void>;
  discard(): Promise<void>;
}

export async function createStagingDir(
  finalPath: string,
  options: { overwrite?: boolean } = {},
): Promise<StagingDir> {
  const parent = path.dirname(finalPath);
  const name = path.basename(finalPath);
  if (!options.overwrite && (await exists(finalPath))) {
    throw new StudioError('OUTPUT_EXISTS', `${finalPath} already exists (use --overwrite to replace it)`, {
      file: finalPath,
    });
  }
  await mkdir(parent, { recursive: true });
  const staging = path.join(parent, `.${name}${PARTIAL_MARKER}${randomBytes(4).toString('hex')}`);
  await mkdir(staging);
  const keysPath = `${staging}.keys`;
  const finalKeysPath = `${finalPath}.keys`;
  return {
    path: staging,
    finalPath,
    keysPath,
    finalKeysPath,
    async commit() {
      // Keys first: the package folder appearing under its name is the sign that all is in place.
      if (await exists(keysPath)) {
        if (await exists(finalKeysPath)) await rm(finalKeysPath, { recursive: true, force: true });
        await rename(keysPath, finalKeysPath);
      }
      if (await exists(finalPath)) {
        if (!options.overwrite) {
          throw new StudioError(
            'OUTPUT_EXISTS',
            `${finalPath} appeared while encoding; the new package is kept at ${staging}`,
          );
        }
        const old = path.join(parent, `.${name}.old-${randomBytes(4).toString('hex')}`);
        await rename(finalPath, old);
        await rename(staging, finalPath);
        await rm(old, { recursive: true, force: true });
        return;
      }
      await rename(staging, finalPath);
    },
    async discard() {
      await rm(staging, { recursive: true, force: true });
      await rm(keysPath, { recursive: true, force: true });
    },
  };
}

async function exists(p: string): Promise<boolean> {
  try {
    await stat(p);
    return true;
  } catch {
    return false;
  }
}
