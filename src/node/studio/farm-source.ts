import { copyFile, mkdir, realpath, rm } from 'node:fs/promises';
import path from 'node:path';
import { StudioError } from '../../common/errors.js';
import type { FarmSettings } from './farm-settings.js';

/** Where sources copied for a farm go, inside its shared folder: one folder per farm job. */
export const FARM_INPUTS_FOLDER = 'hls-studio-inputs';

export interface FarmSource {
  /** The path every worker reads the source at. */
  input: string;
  /** Set when the source was copied into the shared folder (to remove once the job is forgotten). */
  copied?: string;
}

/**
 * A local source as a farm's workers can read it. Workers run elsewhere, so only the farm's shared
 * folder (mounted by every worker at the same path) reaches them: a file already in it is sent as is,
 * any other file (a browser upload included, which goes with its queue row) is copied into it first.
 */
export async function farmSourceOf(
  input: string,
  farm: FarmSettings,
  jobId: string,
  uploadDir?: string,
): Promise<FarmSource> {
  if (!farm.sharedFolder)
    throw new StudioError(
      'INVALID_ARGUMENT',
      `${path.basename(input)} is on this computer and farm "${farm.name}" has no shared folder: its workers cannot read it. Set a shared folder (Farms → Edit) that every worker mounts at the same path.`,
    );
  const shared = await realpath(farm.sharedFolder).catch(() => {
    throw new StudioError(
      'FILE_NOT_FOUND',
      `the shared folder ${farm.sharedFolder} of farm "${farm.name}" is not there (not mounted?)`,
    );
  });
  const source = await realpath(input);
  const uploads = uploadDir ? await realpath(uploadDir).catch(() => undefined) : undefined;
  if (within(source, shared) && !(uploads && within(source, uploads))) return { input: source };
  const dir = path.join(shared, FARM_INPUTS_FOLDER, jobId);
  const target = path.join(dir, path.basename(source));
  try {
    await mkdir(dir, { recursive: true });
    await copyFile(source, target);
  } catch (error) {
    await rm(dir, { recursive: true, force: true }).catch(() => undefined);
    throw new StudioError(
      'IO_ERROR',
      `cannot copy ${path.basename(source)} into the shared folder ${farm.sharedFolder}: ${(error as Error).message}`,
    );
  }
  return { input: target, copied: dir };
}

function within(file: string, folder: string): boolean {
  return file.startsWith(folder.endsWith(path.sep) ? folder : folder + path.sep);
}
