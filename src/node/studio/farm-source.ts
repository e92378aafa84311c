import { copyFile, mkdir, realpath, rm } from 'node:fs/promises';
import path from 'node:path';
import { StudioError } from '../../common/errors.js';
import { objectKey, parseTargetUrl } from '../../common/publish/s3-url.js';
import type { FarmSettings } from './farm-settings.js';

/** Where sources copied for a farm go, inside its shared folder: one folder per farm job. */
export const FARM_INPUTS_FOLDER = 'hls-studio-inputs';

export type FarmSource =
  /** The path every worker reads the source at; `copied` when it was copied into the shared folder. */
  | { input: string; copied?: string }
  /** To upload first: the file and the `s3://bucket/key` (or `gs://`) the workers will read. */
  | { upload: { file: string; url: string } };

/**
 * A local source as a farm's workers can read it. Workers run elsewhere, so a file reaches them through
 * the farm's shared folder (mounted by every worker at the same path) or its input bucket: a file
 * already in the shared folder is sent as is; any other file (a browser upload included, which goes
 * with its queue row) is uploaded to the input bucket when the farm has one, else copied into the
 * shared folder.
 */
export async function farmSourceOf(
  input: string,
  farm: FarmSettings,
  jobId: string,
  uploadDir?: string,
): Promise<FarmSource> {
  if (!farm.sharedFolder && !farm.inputBucket)
    throw new StudioError(
      'INVALID_ARGUMENT',
      `${path.basename(input)} is on this computer and farm "${farm.name}" has neither a shared folder nor an input bucket: its workers cannot read it. Set one (Farms → Edit): a folder every worker mounts at the same path, or a bucket they read from.`,
    );
  const source = await realpath(input);
  const shared = farm.sharedFolder ? await realpath(farm.sharedFolder).catch(() => undefined) : undefined;
  if (shared) {
    const uploads = uploadDir ? await realpath(uploadDir).catch(() => undefined) : undefined;
    if (within(source, shared) && !(uploads && within(source, uploads))) return { input: source };
  }
  if (farm.inputBucket)
    return { upload: { file: source, url: inputObjectUrl(farm.inputBucket.url, jobId, source) } };
  if (!shared)
    throw new StudioError(
      'FILE_NOT_FOUND',
      `the shared folder ${farm.sharedFolder} of farm "${farm.name}" is not there (not mounted?)`,
    );
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

/** `<bucket URL>/<job id>/<file name>`, in the bucket URL's own scheme (s3:// or gs://). */
export function inputObjectUrl(bucketUrl: string, jobId: string, file: string): string {
  const location = parseTargetUrl(bucketUrl);
  const scheme = location.store === 'gcs' ? 'gs' : 's3';
  return `${scheme}://${location.bucket}/${objectKey(location.prefix, jobId, path.basename(file))}`;
}

function within(file: string, folder: string): boolean {
  return file.startsWith(folder.endsWith(path.sep) ? folder : folder + path.sep);
}
