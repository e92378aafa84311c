import path from 'node:path';
import type { FarmInputBucket } from '../../common/api/farm-api.js';
import { StudioError, toErrorData } from '../../common/errors.js';
import { parseTargetUrl } from '../../common/publish/s3-url.js';
import { deleteObject, uploadFile } from '../publish/file-upload.js';
import type { FarmConnections } from './farm-connections.js';
import type { FarmSettings } from './farm-settings.js';

/** Tests make parts small to see a multipart upload and a cancel in the middle of one. */
export interface FarmUploadTuning {
  multipartThresholdBytes?: number;
  partSizeBytes?: number;
}

/**
 * Uploads a local source to the farm's input bucket (the publisher's upload path, keys from the vault,
 * in this process only) and says where it went. A failure names the file, the URL and the cause; a
 * cancel is CANCELLED. Either way nothing is left in the bucket.
 */
export async function uploadFarmSource(
  connections: FarmConnections,
  farm: FarmSettings,
  upload: { file: string; url: string },
  options: { signal: AbortSignal; onProgress: (ratio: number) => void; tuning?: FarmUploadTuning },
): Promise<FarmInputBucket> {
  const bucket = connections.inputBucketOf(farm)!;
  const uploaded = { url: upload.url, ...(bucket.target ? { target: bucket.target } : {}) };
  const name = path.basename(upload.file);
  try {
    const { config, credentials } = await connections.storeOf(uploaded);
    await uploadFile({
      config,
      ...(credentials ? { credentials } : {}),
      file: upload.file,
      key: parseTargetUrl(upload.url).prefix,
      signal: options.signal,
      onProgress: options.onProgress,
      ...options.tuning,
    });
    return uploaded;
  } catch (error) {
    const data = toErrorData(error);
    if (options.signal.aborted || data.code === 'CANCELLED')
      throw new StudioError('CANCELLED', `the upload of ${name} to farm "${farm.name}" was cancelled`);
    throw new StudioError(data.code, `cannot upload ${name} to ${upload.url}: ${data.message}`, {
      ...(data.detail ? { detail: data.detail } : {}),
    });
  }
}

/** Deletes an uploaded source (the job was forgotten, or could not be submitted). */
export async function removeFarmUpload(
  connections: FarmConnections,
  uploaded: FarmInputBucket,
): Promise<void> {
  const { config, credentials } = await connections.storeOf(uploaded);
  await deleteObject(config, parseTargetUrl(uploaded.url).prefix, credentials ? { credentials } : {});
}
