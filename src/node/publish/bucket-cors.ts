import type { S3Client } from '@aws-sdk/client-s3';
import { S3Rest } from './s3-rest.js';
import { s3Sdk } from './s3-sdk.js';
import { checkCorsRules, withPlaybackRule, type CorsRule } from '../../common/publish/cors-rules.js';
import { describeFailure, toPublishError } from './s3-errors.js';
import { retryRequest } from './upload-context.js';

export interface CorsReport {
  /** Undefined when the bucket's CORS could not be read (no permission, not supported). */
  ok: boolean | undefined;
  applied: boolean;
  problems: string[];
}

async function readRules(
  client: S3Client | S3Rest,
  bucket: string,
  signal: AbortSignal,
): Promise<CorsRule[]> {
  try {
    if (client instanceof S3Rest) return await retryRequest(() => client.getBucketCors(signal), { signal });
    const out = await retryRequest(
      () => client.send(new (s3Sdk().GetBucketCorsCommand)({ Bucket: bucket }), { abortSignal: signal }),
      { signal },
    );
    return out.CORSRules ?? [];
  } catch (error) {
    if (describeFailure(error).code === 'NoSuchCORSConfiguration') return [];
    throw error;
  }
}

/** Reads the bucket's CORS rules and checks them for hls.js playback from `origin` ('*' = any). */
export async function checkBucketCors(
  client: S3Client | S3Rest,
  bucket: string,
  origin: string,
  signal: AbortSignal,
): Promise<CorsReport> {
  try {
    return { ...checkCorsRules(await readRules(client, bucket, signal), origin), applied: false };
  } catch (error) {
    if (signal.aborted) throw error;
    const f = describeFailure(error);
    return {
      ok: undefined,
      applied: false,
      problems: [
        `could not read the bucket's CORS configuration (${f.status ? `HTTP ${f.status} ` : ''}${f.code})`,
      ],
    };
  }
}

/** Adds (or replaces) our playback rule, keeping the bucket's other rules, then checks again. */
export async function applyBucketCors(
  client: S3Client,
  bucket: string,
  origin: string,
  signal: AbortSignal,
): Promise<CorsReport> {
  try {
    const rules = withPlaybackRule(await readRules(client, bucket, signal), origin);
    await retryRequest(
      () =>
        client.send(
          new (s3Sdk().PutBucketCorsCommand)({ Bucket: bucket, CORSConfiguration: { CORSRules: rules } }),
          {
            abortSignal: signal,
          },
        ),
      { signal },
    );
  } catch (error) {
    throw toPublishError(error, { bucket, what: 'setting the bucket’s CORS rules' });
  }
  return { ...(await checkBucketCors(client, bucket, origin, signal)), applied: true };
}
